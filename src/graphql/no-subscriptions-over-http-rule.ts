import { GraphQLError, type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * Refuses subscription operations on the HTTP path: they stream over graphql-ws on the same
 * URL. Without this, Apollo executes one and fails on its event stream, an internal error.
 */
export const noSubscriptionsOverHttpRule: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  OperationDefinition(operation) {
    if (operation.operation === 'subscription') {
      context.reportError(
        new GraphQLError('Subscriptions are served over WebSocket (graphql-ws, protocol graphql-transport-ws).', {
          nodes: operation,
        }),
      );
    }
    return false;
  },
});
