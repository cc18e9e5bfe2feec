import { GraphQLError } from 'graphql';

/** The same pattern Apollo Server's `hideSchemaDetailsFromClientErrors` removes on HTTP. */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/** The message without graphql's "Did you mean ...?" hint (see {@link withoutSuggestions}). */
export function stripSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

/**
 * The error without graphql's "Did you mean ...?" hint, which names schema fields, arguments
 * and types: with introspection off, typos would otherwise reveal the schema bit by bit.
 * For the WebSocket path, which Apollo's plugins do not reach, and for variable errors on
 * either path (Apollo hides suggestions only in validation errors).
 */
export function withoutSuggestions(error: GraphQLError): GraphQLError {
  if (!SUGGESTION.test(error.message)) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
