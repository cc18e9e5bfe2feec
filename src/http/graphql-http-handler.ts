import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { GatewayContext } from '../graphql/context';
import { BodyTooLargeError, readBody } from './read-body';

/** Builds the per-request context; throws a GraphQLError (e.g. UNAUTHENTICATED) to refuse. */
export type ContextFactory = (request: IncomingMessage) => Promise<GatewayContext>;

/**
 * Serves GraphQL over HTTP on node:http through Apollo's `executeHTTPGraphQLRequest`
 * (what Apollo's framework integrations do, without a framework in the hot path).
 */
export function createGraphQLHttpHandler(
  apollo: ApolloServer<GatewayContext>,
  buildContext: ContextFactory,
  options: { maxBodyBytes: number },
): (request: IncomingMessage, response: ServerResponse, search: string) => Promise<void> {
  return async (request, response, search) => {
    let body: unknown;
    if (request.method === 'POST') {
      let text: string;
      try {
        text = await readBody(request, options.maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return sendJson(response, 413, { errors: [{ message: error.message, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
        throw error;
      }
      const contentType = request.headers['content-type'] ?? '';
      if (/^application\/(graphql-response\+)?json/i.test(contentType) || contentType === '') {
        try {
          body = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          return sendJson(response, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        }
      } else {
        body = text;
      }
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search, body },
      context: () => buildContext(request),
    });
    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  };
}

/** A small JSON answer for requests refused before GraphQL runs. */
export function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
