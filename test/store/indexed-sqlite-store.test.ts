import { join } from 'node:path';
import { openIndexedStore } from '../../src/store/open-indexed-store';
import { describeIdempotencyRepositoryContract, type OpenedIdempotencyRepository } from './idempotency-repository.contract';
import { describeTaskHistoryContract, type OpenedIndexedStore } from './task-history.contract';
import { describeTaskRepositoryContract, type OpenedTaskRepository } from './task-repository.contract';
import { rawQuery } from './raw-query';
import { useTempDir } from './temp-dir';
import { waitFor } from '../support/wait-for';

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

describe('indexed sqlite:// idempotency key sweep', () => {
  it('removes expired keys from the file (a read would only hide them) and keeps live ones', async () => {
    const path = nextPath();
    const store = await openIndexedStore(`sqlite://${path}`, { idempotencySweepMs: 50 });
    try {
      const record = { clientId: 'alice', fingerprint: 'f', taskId: 'vt_1', state: 'created' as const, createdAt: new Date().toISOString() };
      for (let i = 0; i < 5; i += 1) await store.idempotency.put({ ...record, key: `old-${i}` }, 1);
      await store.idempotency.put({ ...record, key: 'live' }, 60_000);
      const rows = () => rawQuery(path, 'SELECT COUNT(*) AS n FROM keyv_idempotency_keys');
      await waitFor(rows, (result) => result[0]!.n === 1, { what: 'the sweep to delete the expired rows' });
      expect(await store.idempotency.get('alice', 'live')).toBeDefined();
    } finally {
      await store.close();
    }
  });
});
