import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import type { GatewayContext } from '../graphql/context';
import { isExpectedError } from './error-masking';

/**
 * Cross-cutting request bookkeeping for GraphQL over HTTP: every unexpected error is logged in
 * full with the request id, and the (masked) error in the response carries that id, so a
 * report from a user can be found in the logs. (The `x-request-id` response header is set by
 * the HTTP handler, for refusals before GraphQL too.)
 */
export function requestLoggingPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            if (isExpectedError(error.extensions?.code)) continue;
            logger.error(
              { err: error.originalError ?? error, path: error.path, requestId: contextValue.requestId },
              'unexpected GraphQL error',
            );
          }
        },
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          const { singleResult } = response.body;
          singleResult.errors = singleResult.errors!.map((error) =>
            isExpectedError(error.extensions?.code)
              ? error
              : { ...error, extensions: { ...error.extensions, requestId: contextValue.requestId } },
          );
        },
      };
    },
  };
}
