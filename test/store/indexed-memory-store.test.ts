import { openIndexedStore } from '../../src/store/open-indexed-store';
import { describeIdempotencyRepositoryContract } from './idempotency-repository.contract';
import { describeTaskHistoryContract } from './task-history.contract';
import { describeTaskRepositoryContract } from './task-repository.contract';

// The gateway's repository (history and usage on top) must behave like any task repository.
describeTaskRepositoryContract('indexed memory://', async () => {
  const store = await openIndexedStore('memory://');
  return { repo: store.tasks, close: () => store.close() };
});

// memory:// does not persist, so it offers no `reopen`.
describeTaskHistoryContract('memory://', async (options) => {
  const store = await openIndexedStore('memory://', options);
  return { store, close: () => store.close() };
});

describeIdempotencyRepositoryContract('memory://', async () => {
  const store = await openIndexedStore('memory://');
  return { repo: store.idempotency, close: () => store.close() };
});
