import { Kind, getOperationAST, type ExecutionArgs, type SelectionSetNode } from 'graphql';

/** Field extension marking a subscription as a live view of state ("current state, then changes"). */
export const LIVE_STATE_EXTENSION = 'liveState';

/**
 * The root field a subscription operation selects, looking through inline fragments and
 * fragment spreads (a subscription has exactly one root field, by validation).
 */
export function subscriptionRootField(args: Pick<ExecutionArgs, 'document' | 'operationName'>): string | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return undefined;
  const fragments = new Map(
    args.document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const seen = new Set<string>();
  const find = (selectionSet: SelectionSetNode): string | undefined => {
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD:
          if (selection.name.value !== '__typename') return selection.name.value;
          break;
        case Kind.INLINE_FRAGMENT: {
          const found = find(selection.selectionSet);
          if (found) return found;
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const fragment = fragments.get(selection.name.value);
          if (!fragment || seen.has(fragment.name.value)) break;
          seen.add(fragment.name.value);
          const found = find(fragment.selectionSet);
          if (found) return found;
          break;
        }
      }
    }
    return undefined;
  };
  return find(operation.selectionSet);
}

/** Whether the subscription in `args` is a live-state one (its root field carries {@link LIVE_STATE_EXTENSION}). */
export function isLiveStateSubscription(args: ExecutionArgs): boolean {
  const name = subscriptionRootField(args);
  const field = name ? args.schema.getSubscriptionType()?.getFields()[name] : undefined;
  return field?.extensions?.[LIVE_STATE_EXTENSION] === true;
}
