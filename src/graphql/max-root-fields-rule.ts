import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * Refuses an operation with more than `max` root fields. GraphQL Armor has no such rule; its
 * alias limit alone still lets `{ a b c ... }` run every root resolver of the schema at once.
 *
 * Counted as execution counts them: the distinct response keys (alias or name) at the root,
 * including fields reached through inline fragments and fragment spreads there. Like graphql's
 * own field collection, each fragment is expanded once per operation, which also ends
 * fragment cycles (refused anyway by NoFragmentCyclesRule) and keeps the count linear.
 */
export function maxRootFieldsRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const found = rootResponseKeys(context, operation.selectionSet).size;
      if (found > max) {
        context.reportError(
          new GraphQLError(`Root field limit of ${max} exceeded, found ${found}.`, { nodes: operation }),
        );
      }
      return false; // nothing below the root matters to this rule
    },
  });
}

function rootResponseKeys(context: ValidationContext, root: SelectionSetNode): Set<string> {
  const keys = new Set<string>();
  const expanded = new Set<string>();
  const pending: SelectionSetNode[] = [root];
  for (let set = pending.pop(); set; set = pending.pop()) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        keys.add(selection.alias?.value ?? selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        pending.push(selection.selectionSet);
      } else if (!expanded.has(selection.name.value)) {
        expanded.add(selection.name.value);
        const fragment = context.getFragment(selection.name.value);
        if (fragment) pending.push(fragment.selectionSet);
      }
    }
  }
  return keys;
}
