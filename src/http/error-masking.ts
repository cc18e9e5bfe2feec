import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { stripSuggestions, withoutSuggestions } from '../graphql/hide-suggestions';

const INTERNAL = 'INTERNAL_SERVER_ERROR';
const MASKED_MESSAGE = 'Internal server error';

/** Expected errors carry a code of their own (UNAUTHENTICATED, BAD_USER_INPUT, NOT_FOUND, ...). */
export function isExpectedError(code: unknown): boolean {
  return typeof code === 'string' && code !== INTERNAL;
}

/**
 * Apollo's `formatError` for the HTTP path. Expected errors pass (in production without
 * "Did you mean ...?" hints, which Apollo only removes from validation errors, not from
 * variable errors); anything else, in production, is reduced to a generic message with no
 * stack or internal detail. Logging with the request id is `requestLoggingPlugin`'s job.
 */
export function formatHttpError(formatted: GraphQLFormattedError, production: boolean): GraphQLFormattedError {
  if (!production) return formatted;
  if (isExpectedError(formatted.extensions?.code))
    return { ...formatted, message: stripSuggestions(formatted.message) };
  return { message: MASKED_MESSAGE, path: formatted.path, extensions: { code: INTERNAL } };
}

function isMasked(error: GraphQLError): boolean {
  return error.message === MASKED_MESSAGE && error.extensions?.code === INTERNAL && error.originalError === undefined;
}

/**
 * An error graphql-js raised about the request itself (a missing or ill-typed variable) before
 * anything ran: no data, no path, and nothing underneath but graphql's own coercion error.
 * Apollo calls these BAD_USER_INPUT on HTTP; graphql-ws passes them on without a code.
 */
function isRequestError(result: ExecutionResult, error: GraphQLError): boolean {
  return (
    result.data === undefined &&
    error.path === undefined &&
    (error.originalError === undefined || error.originalError instanceof GraphQLError)
  );
}

/**
 * The production policy for execution results sent over WebSocket, where Apollo's plugins
 * don't run: request errors become BAD_USER_INPUT, expected errors lose their suggestions,
 * anything else is logged in full (with the request id when there is one) and masked.
 */
export function maskExecutionResult(result: ExecutionResult, logger: Logger, requestId?: string): ExecutionResult {
  if (!result.errors || result.errors.length === 0) return result;
  const errors = result.errors.map((error) => {
    if (isExpectedError(error.extensions?.code)) return withoutSuggestions(error);
    // Masked (and logged) already, e.g. by the shared execution the subscriber joined.
    if (isMasked(error)) return error;
    if (isRequestError(result, error)) {
      return withoutSuggestions(
        new GraphQLError(error.message, {
          nodes: error.nodes,
          extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
        }),
      );
    }
    logger.error(
      { err: error.originalError ?? error, path: error.path, requestId },
      'unexpected GraphQL error (WebSocket)',
    );
    return new GraphQLError(MASKED_MESSAGE, {
      path: error.path,
      extensions: { code: INTERNAL, ...(requestId ? { requestId } : {}) },
    });
  });
  // Nothing to change (the usual case): pass the result on as it is.
  return errors.every((error, i) => error === result.errors![i]) ? result : { ...result, errors };
}
