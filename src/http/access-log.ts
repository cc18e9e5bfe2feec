import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { GatewayMetrics } from '../observability/metrics';
import type { RequestScope } from '../observability/request-scope';

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'OPTIONS', 'HEAD', 'PUT', 'PATCH', 'DELETE']);

/** What {@link trackExchange} reports about one request. */
export interface ExchangeFacts {
  scope: RequestScope;
  /** The path as it may be logged (credentials in it redacted). */
  loggedPath: string;
  /** The route that served it (a bounded label), or `unmatched`. */
  route: string;
}

/**
 * When the answer is finished (or the connection is lost first): one access log line (method,
 * path, status, duration, request id, client id; never a header or a body) and the request's
 * latency in `gateway_http_request_duration_seconds`.
 */
export function trackExchange(
  request: IncomingMessage,
  response: ServerResponse,
  facts: ExchangeFacts,
  logger: Logger,
  metrics: GatewayMetrics,
): void {
  const started = performance.now();
  response.once('close', () => {
    const seconds = (performance.now() - started) / 1000;
    const method = request.method ?? 'GET';
    const status = response.statusCode;
    metrics.httpRequests.observe(
      { method: METHODS.has(method) ? method : 'other', route: facts.route, status: String(status) },
      seconds,
    );
    logger.info(
      {
        method,
        path: facts.loggedPath,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
        requestId: facts.scope.requestId,
        clientId: facts.scope.clientId,
        // The client went away (or node:http timed it out) before the answer was complete.
        aborted: response.writableFinished ? undefined : true,
      },
      'request',
    );
  });
}
