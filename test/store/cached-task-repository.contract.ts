import { VideoTaskStatus } from '../../src/domain/task-status';
import type { VideoTask } from '../../src/domain/video-task';
import type { GatewayStore } from '../../src/store/open-store';
import type { TestStores } from '../support/test-stores';
import { observe, observeRunning, submittedTask } from '../support/usage-fixtures';
import { finishedTask } from './fixtures/finished-task';

const T0 = Date.parse('2026-05-04T08:00:00.000Z');

/** The finished-task cache in front of SQL (`store.tasks` with `store.caches.tasks`). */
export function describeCachedTaskRepositoryContract(stores: TestStores): void {
  describe(`cached task repository contract: ${stores.engine}`, () => {
    let store: GatewayStore;
    beforeEach(async () => {
      store = (await stores.open()).store;
    });

    /** Puts a marked copy of `task` in the cache: whatever `get` answers with the mark came from the cache. */
    const plant = (task: VideoTask) =>
      store.caches.tasks.set(task.id, JSON.stringify({ ...task, prompt: 'from the cache' }));

    it('caches a finished task on its first read and serves it from the cache afterwards', async () => {
      await store.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 }));
      const finished = (await store.tasks.update(
        'vt_1',
        observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' }, T0 + 1),
      ))!;
      expect(await store.caches.tasks.get('vt_1')).toBeUndefined();
      expect(await store.tasks.get('vt_1')).toEqual(finished);
      expect(JSON.parse((await store.caches.tasks.get('vt_1'))!)).toEqual(finished);
      await plant(finished);
      expect((await store.tasks.get('vt_1'))?.prompt).toBe('from the cache');
    });

    it('never caches an unfinished task: every read comes from SQL', async () => {
      await store.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 }));
      await store.tasks.get('vt_1');
      await store.tasks.update('vt_1', observeRunning(T0 + 1));
      expect((await store.tasks.get('vt_1'))?.status).toBe(VideoTaskStatus.RUNNING);
      expect(await store.caches.tasks.get('vt_1')).toBeUndefined();
    });

    it('drops a cached copy when a task leaves its terminal status (outside the domain, allowed by the contract)', async () => {
      const done = finishedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 }, { status: VideoTaskStatus.FAILED });
      await store.tasks.insert(done);
      await store.tasks.get('vt_1');
      const reopened = await store.tasks.update('vt_1', (task) => ({ ...task, status: VideoTaskStatus.RUNNING }));
      expect(await store.caches.tasks.get('vt_1')).toBeUndefined();
      expect(await store.tasks.get('vt_1')).toEqual(reopened);
    });

    it('reads through a cache entry that is not a task of that id (a foreign or corrupt value)', async () => {
      const done = finishedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 }, { status: VideoTaskStatus.FAILED });
      await store.tasks.insert(done);
      await store.caches.tasks.set('vt_1', '{"not":"a task"');
      expect(await store.tasks.get('vt_1')).toEqual(done);
      await store.caches.tasks.set('vt_1', JSON.stringify({ ...done, id: 'vt_other' }));
      expect(await store.tasks.get('vt_1')).toEqual(done);
    });
  });
}
