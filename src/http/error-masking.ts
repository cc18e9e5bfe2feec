import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';

const INTERNAL = 'INTERNAL_SERVER_ERROR';
const MASKED_MESSAGE = 'Internal server error';

/** Expected errors carry a code of their own (UNAUTHENTICATED, BAD_USER_INPUT, NOT_FOUND, ...). */
function isExpected(code: unknown): boolean {
  return typeof code === 'string' && code !== INTERNAL;
}

/**
 * Apollo's `formatError` for the HTTP path: expected errors pass; anything else is logged in
 * full and, in production, reduced to a generic message with no stack or internal detail.
 */
export function formatHttpError(formatted: GraphQLFormattedError, error: unknown, production: boolean, logger: Logger): GraphQLFormattedError {
  if (isExpected(formatted.extensions?.code)) return formatted;
  logger.error({ err: error, path: formatted.path }, 'unexpected GraphQL error');
  if (!production) return formatted;
  return { message: MASKED_MESSAGE, path: formatted.path, extensions: { code: INTERNAL } };
}

/**
 * An error graphql-js raised about the request itself (a missing or ill-typed variable) before
 * anything ran: no data, no path, nothing thrown underneath. Apollo calls these BAD_USER_INPUT
 * on HTTP; graphql-ws passes them on without a code.
 */
function isRequestError(result: ExecutionResult, error: GraphQLError): boolean {
  return result.data === undefined && error.path === undefined && error.originalError === undefined;
}

/** The same policy for execution results sent over WebSocket, where Apollo's plugins don't run. */
export function maskExecutionResult(result: ExecutionResult, logger: Logger): ExecutionResult {
  if (!result.errors?.some((error) => !isExpected(error.extensions?.code))) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      if (isExpected(error.extensions?.code)) return error;
      if (isRequestError(result, error)) {
        return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } });
      }
      logger.error({ err: error.originalError ?? error, path: error.path }, 'unexpected GraphQL error (WebSocket)');
      return new GraphQLError(MASKED_MESSAGE, { path: error.path, extensions: { code: INTERNAL } });
    }),
  };
}
