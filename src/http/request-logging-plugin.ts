import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import type { GatewayContext } from '../graphql/context';
import { isExpectedError } from './error-masking';

/** The response header that tells a caller which request id to quote (and operators to search). */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Cross-cutting request bookkeeping for GraphQL over HTTP: every unexpected error is logged in
 * full with the request id (the response carries only a masked message in production), and
 * every response names its request id, so a report from a user can be found in the logs.
 */
export function requestLoggingPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            if (isExpectedError(error.extensions?.code)) continue;
            logger.error({ err: error.originalError ?? error, path: error.path, requestId: contextValue.requestId }, 'unexpected GraphQL error');
          }
        },
        async willSendResponse({ contextValue, response }) {
          response.http.headers.set(REQUEST_ID_HEADER, contextValue.requestId);
        },
      };
    },
  };
}
