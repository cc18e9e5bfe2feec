import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayMetrics } from '../observability/metrics';
import { sendJson } from './graphql-http-handler';

/**
 * `GET /metrics`: the Prometheus text exposition. With a token (`METRICS_TOKEN`) the scraper
 * must send `Authorization: Bearer <token>`; others get 401.
 */
export function createMetricsHandler(metrics: GatewayMetrics, token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (expected && !matches(request.headers.authorization, expected)) {
      return sendJson(
        response,
        401,
        { error: 'metrics need Authorization: Bearer <METRICS_TOKEN>' },
        { 'www-authenticate': 'Bearer' },
      );
    }
    const { contentType, text } = await metrics.exposition();
    response.writeHead(200, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    response.end(text);
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares digests in constant time, so response timing tells nothing about the token. */
function matches(authorization: string | undefined, expected: Buffer): boolean {
  const given = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given), expected);
}
