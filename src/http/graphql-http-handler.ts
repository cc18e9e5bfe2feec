import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { GatewayContext } from '../graphql/context';
import type { RequestScope } from '../observability/request-scope';
import { LargeRequestsBusyError, type LargeRequestGate } from './large-request-gate';
import { BodyTooLargeError, readBody } from './read-body';

/**
 * Builds the per-request context from the request's headers, before its body is read; resolves
 * to undefined when the caller is not authenticated.
 */
export type ContextFactory = (request: IncomingMessage, requestId: string) => Promise<GatewayContext | undefined>;

const UNAUTHENTICATED_MESSAGE = 'missing or invalid credentials: send Authorization: Bearer <key or token>';

/** Limits of the GraphQL HTTP endpoint. */
export interface GraphQLHttpOptions {
  /** Larger bodies get 413 before they are parsed. */
  maxBodyBytes: number;
  /** Admission of large bodies; see {@link LargeRequestGate}. */
  largeRequests: LargeRequestGate;
}

/** The request was answered (or abandoned) before GraphQL could run. */
const ANSWERED = Symbol('answered');

/**
 * Serves GraphQL over HTTP on node:http through Apollo's `executeHTTPGraphQLRequest`
 * (what Apollo's framework integrations do, without a framework in the hot path).
 */
export function createGraphQLHttpHandler(
  apollo: ApolloServer<GatewayContext>,
  buildContext: ContextFactory,
  options: GraphQLHttpOptions,
): (request: IncomingMessage, response: ServerResponse, search: string, scope: RequestScope) => Promise<void> {
  return async (request, response, search, scope) => {
    // A large request keeps its slot until its response is written: the parsed images live
    // until then (see LargeRequestGate).
    let releaseSlot: (() => void) | undefined;
    // Who is asking is known from the headers: an unknown caller is refused before its body is
    // read, so anonymous uploads can never take the large-request slots (or any memory).
    const context = await buildContext(request, scope.requestId);
    if (!context) {
      const payload = { errors: [{ message: UNAUTHENTICATED_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }] };
      const headers = { 'www-authenticate': 'Bearer' };
      if (request.method === 'POST' && !request.readableEnded)
        return refuseUnread(request, response, 401, payload, headers);
      return sendJson(response, 401, payload, headers);
    }
    scope.clientId = context.viewer.clientId;
    try {
      let body: unknown;
      if (request.method === 'POST') {
        const admit = async (): Promise<void> => {
          releaseSlot = await options.largeRequests.admit(request);
        };
        body = await readGraphQLBody(request, response, options, admit);
        if (body === ANSWERED) return;
      }
      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method ?? 'GET', headers, search, body },
        context: async () => context,
      });
      for (const [name, value] of result.headers) response.setHeader(name, value);
      response.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        response.end(result.body.string);
        return;
      }
      for await (const chunk of result.body.asyncIterator) response.write(chunk);
      response.end();
    } finally {
      releaseSlot?.();
    }
  };
}

/**
 * The POST body, parsed when it is JSON, or {@link ANSWERED} when the request was refused.
 * A function of its own so the body text is unreachable once parsed (it can be as large as
 * the images it carries).
 */
async function readGraphQLBody(
  request: IncomingMessage,
  response: ServerResponse,
  options: GraphQLHttpOptions,
  admit: () => Promise<void>,
): Promise<unknown> {
  let text: string;
  try {
    text = await readBody(request, options.maxBodyBytes, {
      thresholdBytes: options.largeRequests.thresholdBytes,
      admit,
    });
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      refuseUnread(request, response, 413, {
        errors: [{ message: error.message, extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
      });
      return ANSWERED;
    }
    if (error instanceof LargeRequestsBusyError) {
      const payload = { errors: [{ message: error.message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] };
      refuseUnread(request, response, 503, payload, { 'retry-after': String(error.retryAfterSeconds) });
      return ANSWERED;
    }
    // The client went away or node:http timed the request out: nobody is left to answer.
    if (request.destroyed) return ANSWERED;
    throw error;
  }
  const contentType = request.headers['content-type'] ?? '';
  if (!/^application\/(graphql-response\+)?json/i.test(contentType) && contentType !== '') return text;
  try {
    return text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    sendJson(response, 400, {
      errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
    });
    return ANSWERED;
  }
}

/**
 * Refuses a request whose body is (partly) unread. `connection: close` ends the upload once the
 * answer is out, instead of draining up to MAX_BODY_BYTES on a kept-alive connection; until
 * then what arrives is discarded (not kept), so the close is a FIN rather than a reset that
 * could destroy the answer in flight.
 */
export function refuseUnread(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  request.resume();
  sendJson(response, status, payload, { ...headers, connection: 'close' });
}

/** A small JSON answer for requests refused before GraphQL runs. */
export function sendJson(
  response: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(payload);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
