import { GenerationMode } from '../../src/domain/generation-mode';
import { ServiceTier, VideoResolution } from '../../src/domain/generation-options';
import { VideoTaskStatus } from '../../src/domain/task-status';
import { usageRecordOf } from '../../src/domain/usage-record';
import type { VideoTask } from '../../src/domain/video-task';
import type { IndexedGatewayStore } from '../../src/store/open-indexed-store';
import { compareHistoryKeys, type HistoryEntry, type HistoryWalk } from '../../src/store/task-history-index';
import { observe, observeRunning, pick, prng, submittedTask } from '../support/usage-fixtures';

/** An indexed store opened for one test, as a backend's test file provides it. */
export interface OpenedIndexedStore {
  store: IndexedGatewayStore;
  close(): Promise<void>;
  /** Persistent backends only: opens the same data again (after `close`). */
  reopen?: () => Promise<OpenedIndexedStore>;
}

const T0 = Date.parse('2026-03-01T00:00:00.000Z');

/** Every entry of a walk, collected. */
async function walkAll(store: IndexedGatewayStore, clientId: string, walk: HistoryWalk = {}): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  for await (const entry of store.history.newestFirst(clientId, walk)) entries.push(entry);
  return entries;
}

const keyOf = (task: VideoTask) => ({ createdAtMs: Date.parse(task.createdAt), taskId: task.id });
const newestFirst = (a: VideoTask, b: VideoTask) => -compareHistoryKeys(keyOf(a), keyOf(b));

/**
 * The behaviour every backend must give the task history and the usage records that the
 * gateway's repository keeps next to the tasks. `open` must give a fresh, empty store whose
 * history chunks hold at most 3 entries, so that a handful of tasks crosses many chunks.
 */
export function describeTaskHistoryContract(name: string, open: (options: { historyChunkSize: number }) => Promise<OpenedIndexedStore>): void {
  describe(`task history and usage records contract: ${name}`, () => {
    let opened: OpenedIndexedStore;
    let store: IndexedGatewayStore;
    const toClose: OpenedIndexedStore[] = [];

    beforeEach(async () => {
      opened = await open({ historyChunkSize: 3 });
      store = opened.store;
      toClose.push(opened);
    });

    afterEach(async () => {
      await Promise.all(toClose.splice(0).map((o) => o.close()));
    });

    it("lists a client's tasks newest first, ties by id, and never another client's", async () => {
      const tasks = [5, 1, 3, 3, 3, 9, 0, 7, 3, 2].map((second, i) =>
        submittedTask({ id: `vt_${String.fromCharCode(106 - i)}`, clientId: 'alice', createdAtMs: T0 + second * 1000 }),
      );
      const bobs = [4, 6].map((second, i) => submittedTask({ id: `vt_bob${i}`, clientId: 'bob', createdAtMs: T0 + second * 1000 }));
      // Out of creation order on purpose: late arrivals land inside earlier chunks.
      for (const task of [...tasks, ...bobs]) await store.tasks.insert(task);
      expect((await walkAll(store, 'alice')).map((e) => e.taskId)).toEqual([...tasks].sort(newestFirst).map((t) => t.id));
      expect((await walkAll(store, 'bob')).map((e) => e.taskId)).toEqual(['vt_bob1', 'vt_bob0']);
      expect(await walkAll(store, 'carol')).toEqual([]);
    });

    it('keeps order and completeness for a random workload (random order, shared milliseconds, many chunks)', async () => {
      const random = prng(7);
      const tasks = Array.from({ length: 80 }, (_, i) =>
        submittedTask({ id: `vt_${i}`, clientId: pick(random, ['alice', 'bob']), createdAtMs: T0 + Math.floor(random() * 20) * 1000 }),
      );
      await Promise.all(tasks.map((task) => store.tasks.insert(task)));
      for (const clientId of ['alice', 'bob']) {
        const expected = tasks.filter((t) => t.clientId === clientId).sort(newestFirst);
        const walked = await walkAll(store, clientId);
        expect(walked.map((e) => e.taskId)).toEqual(expected.map((t) => t.id));
        // Resuming after any entry gives exactly the rest: keys are stable cursors.
        for (const at of [0, 1, 7, expected.length - 1]) {
          const cursor = walked[at]!;
          expect((await walkAll(store, clientId, { before: cursor })).map((e) => e.taskId)).toEqual(expected.slice(at + 1).map((t) => t.id));
        }
        const from = T0 + 5000;
        const to = T0 + 12000;
        const inRange = expected.filter((t) => Date.parse(t.createdAt) >= from && Date.parse(t.createdAt) < to);
        expect((await store.history.between(clientId, from, to)).map((e) => e.taskId)).toEqual([...inRange].reverse().map((t) => t.id));
        expect((await walkAll(store, clientId, { createdFromMs: from, createdBeforeMs: to })).map((e) => e.taskId)).toEqual(inRange.map((t) => t.id));
      }
    });

    it('stays ordered and complete when older tasks keep arriving behind a newer one (chunks split)', async () => {
      await store.tasks.insert(submittedTask({ id: 'vt_newest', clientId: 'alice', createdAtMs: T0 + 1_000_000 }));
      const random = prng(11);
      const older = Array.from({ length: 60 }, (_, i) => submittedTask({ id: `vt_${i}`, clientId: 'alice', createdAtMs: T0 + Math.floor(random() * 500) * 1000 }));
      for (const task of older) await store.tasks.insert(task);
      const expected = [submittedTask({ id: 'vt_newest', clientId: 'alice', createdAtMs: T0 + 1_000_000 }), ...older].sort(newestFirst).map((t) => t.id);
      expect((await walkAll(store, 'alice')).map((e) => e.taskId)).toEqual(expected);
      expect((await store.history.between('alice', T0, T0 + 2_000_000)).map((e) => e.taskId)).toEqual([...expected].reverse());
    });

    it('lets a walk in progress finish exactly while inserts split the chunks it has not reached yet', async () => {
      const original = Array.from({ length: 40 }, (_, i) => submittedTask({ id: `vt_o${String(i).padStart(2, '0')}`, clientId: 'alice', createdAtMs: T0 + i * 10_000 }));
      for (const task of original) await store.tasks.insert(task);
      const walk = store.history.newestFirst('alice');
      const seen: string[] = [];
      for (let i = 0; i < 5; i += 1) seen.push((await walk.next()).value!.taskId);
      // Older tasks between the remaining ones: every chunk below the walk grows past twice its size and splits.
      for (let i = 0; i < 40; i += 1) {
        for (let j = 1; j <= 3; j += 1) await store.tasks.insert(submittedTask({ id: `vt_n${i}_${j}`, clientId: 'alice', createdAtMs: T0 + i * 10_000 + j }));
      }
      for (let next = await walk.next(); !next.done; next = await walk.next()) seen.push(next.value.taskId);
      // Every original task exactly once, in order; new ones only where they belong.
      expect(seen.filter((id) => id.startsWith('vt_o'))).toEqual([...original].sort(newestFirst).map((t) => t.id));
      expect(new Set(seen).size).toBe(seen.length);
      const keys = await Promise.all(seen.map(async (id) => keyOf((await store.tasks.get(id))!)));
      keys.slice(1).forEach((key, i) => expect(compareHistoryKeys(key, keys[i]!)).toBeLessThan(0));
    });

    it('holds a burst of one millisecond bigger than a chunk, and pages through it by id', async () => {
      const tasks = Array.from({ length: 10 }, (_, i) => submittedTask({ id: `vt_${i}`, clientId: 'alice', createdAtMs: T0 }));
      for (const task of tasks) await store.tasks.insert(task);
      await store.tasks.insert(submittedTask({ id: 'vt_after', clientId: 'alice', createdAtMs: T0 + 1 }));
      const walked = await walkAll(store, 'alice');
      expect(walked.map((e) => e.taskId)).toEqual(['vt_after', ...tasks.map((t) => t.id).reverse()]);
      expect((await walkAll(store, 'alice', { before: walked[4]! })).map((e) => e.taskId)).toEqual(tasks.map((t) => t.id).reverse().slice(4));
    });

    it('filters by status and mode, with statuses following updates', async () => {
      const modes = Object.values(GenerationMode);
      const tasks = Array.from({ length: 12 }, (_, i) => submittedTask({ id: `vt_${String(i).padStart(2, '0')}`, clientId: 'alice', createdAtMs: T0 + i * 1000, mode: modes[i % 4] }));
      for (const task of tasks) await store.tasks.insert(task);
      await store.tasks.update('vt_01', observeRunning(T0 + 60_000));
      await store.tasks.update('vt_02', observe({ status: VideoTaskStatus.FAILED }, T0 + 60_000));
      await store.tasks.update('vt_05', observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' }, T0 + 60_000));
      await store.tasks.update('vt_05', observe({ status: VideoTaskStatus.FAILED }, T0 + 70_000)); // ignored: finished
      const ids = async (walk: HistoryWalk) => (await walkAll(store, 'alice', walk)).map((e) => e.taskId);
      expect(await ids({ statuses: new Set([VideoTaskStatus.SUCCEEDED, VideoTaskStatus.FAILED]) })).toEqual(['vt_05', 'vt_02']);
      expect(await ids({ statuses: new Set([VideoTaskStatus.RUNNING]) })).toEqual(['vt_01']);
      expect(await ids({ statuses: new Set([VideoTaskStatus.EXPIRED]) })).toEqual([]);
      expect(await ids({ modes: new Set([GenerationMode.FIRST_FRAME]) })).toEqual(['vt_09', 'vt_05', 'vt_01']);
      expect(await ids({ modes: new Set([GenerationMode.FIRST_FRAME]), statuses: new Set([VideoTaskStatus.QUEUED]) })).toEqual(['vt_09']);
      expect((await walkAll(store, 'alice')).find((e) => e.taskId === 'vt_05')?.status).toBe(VideoTaskStatus.SUCCEEDED);
    });

    it('takes a deleted (never submitted) task out of the history', async () => {
      const kept = submittedTask({ id: 'vt_kept', clientId: 'alice', createdAtMs: T0 });
      const refused = {
        ...submittedTask({ id: 'vt_refused', clientId: 'alice', createdAtMs: T0 + 1000 }),
        ...{ status: VideoTaskStatus.SUBMITTING, upstreamTaskId: null },
      };
      await store.tasks.insert(kept);
      await store.tasks.insert(refused);
      expect((await walkAll(store, 'alice')).map((e) => e.taskId)).toEqual(['vt_refused', 'vt_kept']);
      expect(await store.tasks.delete('vt_refused')).toBe(true);
      expect((await walkAll(store, 'alice')).map((e) => e.taskId)).toEqual(['vt_kept']);
      expect(await store.tasks.listActive()).toEqual(['vt_kept']);
    });

    it('lists clients with a lower bound of their first task', async () => {
      await store.tasks.insert(submittedTask({ id: 'vt_a2', clientId: 'alice', createdAtMs: T0 + 5000 }));
      await store.tasks.insert(submittedTask({ id: 'vt_a1', clientId: 'alice', createdAtMs: T0 + 1000 }));
      await store.tasks.insert(submittedTask({ id: 'vt_b1', clientId: 'bob', createdAtMs: T0 + 3000 }));
      expect(await store.history.clients()).toEqual([
        { clientId: 'alice', firstCreatedAtMs: T0 + 1000 },
        { clientId: 'bob', firstCreatedAtMs: T0 + 3000 },
      ]);
      expect(await store.history.client('carol')).toBeUndefined();
    });

    it('writes a usage record when a task finishes, the same one however often the end is observed', async () => {
      const task = submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0, resolution: VideoResolution.P1080, serviceTier: ServiceTier.FLEX });
      await store.tasks.insert(task);
      expect(await store.usageRecords.get('vt_1')).toBeUndefined();
      await store.tasks.update('vt_1', observeRunning(T0 + 1000));
      expect(await store.usageRecords.get('vt_1')).toBeUndefined();
      const finished = await store.tasks.update('vt_1', observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.0375', discountUsd: '0.0375', outputTokens: 108000 }, T0 + 2000));
      const record = await store.usageRecords.get('vt_1');
      expect(record).toEqual(usageRecordOf(finished!));
      expect(record).toMatchObject({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.0375', resolution: VideoResolution.P1080, serviceTier: ServiceTier.FLEX, videoSeconds: 5 });
      // Duplicate observations (poller, callback) change nothing.
      await store.tasks.update('vt_1', observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '99' }, T0 + 3000));
      await store.tasks.update('vt_1', observe({ status: VideoTaskStatus.FAILED }, T0 + 4000));
      expect(await store.usageRecords.get('vt_1')).toEqual(record);
      expect((await store.tasks.get('vt_1'))?.revision).toBe(3);
    });

    it('records tasks inserted already finished, failures without usage at zero cost', async () => {
      const failed = observe({ status: VideoTaskStatus.FAILED }, T0 + 1)(submittedTask({ id: 'vt_f', clientId: 'alice', createdAtMs: T0 }))!;
      await store.tasks.insert(failed);
      expect(await store.usageRecords.get('vt_f')).toMatchObject({ status: VideoTaskStatus.FAILED, costUsd: '0', totalTokens: 0, generatedVideos: 0, videoSeconds: 0 });
      expect((await walkAll(store, 'alice')).map((e) => e.status)).toEqual([VideoTaskStatus.FAILED]);
    });

    it('rejects an update that changes what the history and usage are keyed by, writing nothing', async () => {
      const task = submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 });
      await store.tasks.insert(task);
      for (const change of [
        (t: VideoTask) => ({ ...t, clientId: 'mallory' }),
        (t: VideoTask) => ({ ...t, createdAt: new Date(T0 + 1).toISOString() }),
        (t: VideoTask) => ({ ...t, mode: GenerationMode.FIRST_FRAME }),
        (t: VideoTask) => ({ ...t, options: { ...t.options, serviceTier: ServiceTier.FLEX } }),
      ]) {
        await expect(store.tasks.update('vt_1', change)).rejects.toThrow(/may not change/);
      }
      expect(await store.tasks.get('vt_1')).toEqual(task);
      expect(await store.history.clients()).toEqual([{ clientId: 'alice', firstCreatedAtMs: T0 }]);
    });

    it('keeps history and usage records across a reopen (persistent backends; others have no reopen)', async () => {
      const reopen = opened.reopen;
      if (!reopen) return;
      const tasks = Array.from({ length: 7 }, (_, i) => submittedTask({ id: `vt_${i}`, clientId: 'alice', createdAtMs: T0 + i }));
      for (const task of tasks) await store.tasks.insert(task);
      await store.tasks.update('vt_3', observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '1.23456789' }, T0 + 100));
      const record = await store.usageRecords.get('vt_3');
      toClose.splice(toClose.indexOf(opened), 1);
      await opened.close();

      const again = await reopen();
      toClose.push(again);
      expect((await walkAll(again.store, 'alice')).map((e) => e.taskId)).toEqual(tasks.map((t) => t.id).reverse());
      expect(await again.store.usageRecords.get('vt_3')).toEqual(record);
      // And it keeps working: the next finish is recorded.
      await again.store.tasks.update('vt_4', observe({ status: VideoTaskStatus.EXPIRED }, T0 + 200));
      expect((await again.store.usageRecords.get('vt_4'))?.status).toBe(VideoTaskStatus.EXPIRED);
    });
  });
}
