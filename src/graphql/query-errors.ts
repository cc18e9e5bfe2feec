import { GraphQLError } from 'graphql';
import { ForbiddenQueryError, InvalidQueryError } from '../services/query-errors';

/**
 * The GraphQL form of a query service's error: `BAD_USER_INPUT` (with the argument) or
 * `FORBIDDEN`. Anything else is returned unchanged, to be masked as an internal error.
 */
export function toQueryGraphQLError(error: unknown): unknown {
  if (error instanceof InvalidQueryError) {
    return new GraphQLError(error.message, {
      extensions: { code: 'BAD_USER_INPUT', argumentName: error.argumentName },
    });
  }
  if (error instanceof ForbiddenQueryError) {
    return new GraphQLError(error.message, { extensions: { code: 'FORBIDDEN' } });
  }
  return error;
}
