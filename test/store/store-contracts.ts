import type { TestStores } from '../support/test-stores';
import { describeCachedTaskRepositoryContract } from './cached-task-repository.contract';
import { describeChangeFeedContract } from './change-feed.contract';
import { describeIdempotencyRepositoryContract } from './idempotency-repository.contract';
import { describePollLeasesContract } from './poll-leases.contract';
import { describeTaskRepositoryContract } from './task-repository.contract';
import { describeTaskSlotsContract } from './task-slots.contract';
import { describeUsageQueriesContract } from './usage-queries.contract';

/** Every repository contract of the store, on the engine of `stores` (one test file per engine). */
export function describeStoreContracts(stores: TestStores): void {
  describeTaskRepositoryContract(stores);
  describeCachedTaskRepositoryContract(stores);
  describeIdempotencyRepositoryContract(stores);
  describeTaskSlotsContract(stores);
  describePollLeasesContract(stores);
  describeChangeFeedContract(stores);
  describeUsageQueriesContract(stores);
}
