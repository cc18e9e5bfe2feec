import { parse } from 'graphql';
import { buildGatewaySchema } from '../../src/graphql/build-schema';
import { isLiveStateSubscription, subscriptionRootField } from '../../src/graphql/live-state';

const schema = buildGatewaySchema();
const args = (source: string, operationName?: string) => ({ schema, document: parse(source), operationName });

describe('live-state subscriptions', () => {
  it('finds the root field through aliases, inline fragments and fragment spreads', () => {
    expect(subscriptionRootField(args('subscription { t: videoTaskUpdated(id: "x") { id } }'))).toBe(
      'videoTaskUpdated',
    );
    expect(
      subscriptionRootField(args('subscription { __typename ... on Subscription { myVideoTaskUpdates { id } } }')),
    ).toBe('myVideoTaskUpdates');
    expect(
      subscriptionRootField(
        args('subscription S { ...F } fragment F on Subscription { videoTaskUpdated(id: "x") { id } }', 'S'),
      ),
    ).toBe('videoTaskUpdated');
  });

  it('marks videoTaskUpdated (state) as live-state and myVideoTaskUpdates (events) not', () => {
    expect(
      isLiveStateSubscription(args('subscription { ... on Subscription { videoTaskUpdated(id: "x") { id } } }')),
    ).toBe(true);
    expect(isLiveStateSubscription(args('subscription { myVideoTaskUpdates { id } }'))).toBe(false);
  });
});
