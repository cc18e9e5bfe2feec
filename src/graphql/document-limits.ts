import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type ParseOptions, type ValidationContext, type ValidationRule } from 'graphql';
import type { GatewayConfig } from '../config/config';
import { maxRootFieldsRule } from './max-root-fields-rule';

/** Static limits on one GraphQL document, the same on HTTP and on graphql-ws (see the config for each). */
export type DocumentLimits = Omit<GatewayConfig['graphql'], 'introspection'>;

/**
 * Armor reports by throwing unless told otherwise, and graphql's `validate` does not catch:
 * the request would fail as an internal error. Reported through the context instead, it is an
 * ordinary validation error (HTTP 400 from Apollo, an `error` message on graphql-ws). Armor
 * prefixes "Syntax Error: ", which these are not.
 */
const reportThrough = (context: ValidationContext | null, error: GraphQLError): void => {
  context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { nodes: error.nodes }));
};

const reporting = () => ({ propagateOnRejection: false, onReject: [reportThrough], exposeLimits: true });

/**
 * Validation rules enforcing `limits` (besides graphql's `specifiedRules`), for Apollo's
 * `validationRules` and for the WebSocket path's {@link DocumentCache}.
 *
 * - Depth counts introspection too (`ignoreIntrospection: false`): `__Type.fields.type.ofType`
 *   is the only recursion this schema has, so an exemption would leave nothing to limit, and
 *   no name (a fragment called `__schema`, say: GraphQL Armor PR #823) can opt out. Fragment
 *   spreads are followed to their full depth (PR #824) but add no level of their own.
 * - Cost exempts the `__schema` field only (Armor 2.4 matches a field, not an alias or a
 *   fragment name): below it lie introspection types alone, bounded by depth, aliases and
 *   tokens, and the standard introspection query (cost ~15,000) must work where introspection
 *   is on. Fragments are flattened: they do not change what is executed.
 */
export function documentValidationRules(limits: DocumentLimits): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: false, flattenFragments: true, ...reporting() }),
    maxAliasesRule({ n: limits.maxAliases, ...reporting() }),
    maxRootFieldsRule(limits.maxRootFields),
    costLimitRule({ maxCost: limits.maxCost, ignoreIntrospection: true, flattenFragments: true, ...reporting() }),
    maxDirectivesRule({ n: limits.maxDirectives, ...reporting() }),
  ];
}

/** graphql's own token limit, checked while parsing (before any validation). */
export function documentParseOptions(limits: DocumentLimits): ParseOptions {
  return { maxTokens: limits.maxTokens };
}
