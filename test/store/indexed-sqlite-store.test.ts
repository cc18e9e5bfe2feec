import { join } from 'node:path';
import { openIndexedStore } from '../../src/store/open-indexed-store';
import { describeIdempotencyRepositoryContract, type OpenedIdempotencyRepository } from './idempotency-repository.contract';
import { describeTaskHistoryContract, type OpenedIndexedStore } from './task-history.contract';
import { describeTaskRepositoryContract, type OpenedTaskRepository } from './task-repository.contract';
import { useTempDir } from './temp-dir';

const tempDir = useTempDir('gateway-indexed-sqlite-');
let files = 0;
const nextPath = () => join(tempDir(), `t${(files += 1)}`, 'gateway.sqlite');

async function openRepositoryAt(path: string): Promise<OpenedTaskRepository> {
  const store = await openIndexedStore(`sqlite://${path}`);
  return { repo: store.tasks, close: () => store.close(), reopen: () => openRepositoryAt(path) };
}

async function openStoreAt(path: string, historyChunkSize: number): Promise<OpenedIndexedStore> {
  const store = await openIndexedStore(`sqlite://${path}`, { historyChunkSize });
  return { store, close: () => store.close(), reopen: () => openStoreAt(path, historyChunkSize) };
}

async function openIdempotencyAt(path: string): Promise<OpenedIdempotencyRepository> {
  const store = await openIndexedStore(`sqlite://${path}`);
  return { repo: store.idempotency, close: () => store.close(), reopen: () => openIdempotencyAt(path) };
}

describeTaskRepositoryContract('indexed sqlite://', () => openRepositoryAt(nextPath()));
describeTaskHistoryContract('sqlite://', (options) => openStoreAt(nextPath(), options.historyChunkSize));
describeIdempotencyRepositoryContract('sqlite://', () => openIdempotencyAt(nextPath()));
