import type { Keyv } from 'keyv';
import { VideoTaskStatus } from '../../src/domain/task-status';
import { UsageGranularity } from '../../src/domain/usage-granularity';
import { usageRecordOf } from '../../src/domain/usage-record';
import { TaskHistoryService } from '../../src/services/task-history-service';
import { UsageReportService } from '../../src/services/usage-report-service';
import { openKeyvStores } from '../../src/store/keyv-factory';
import { KeyvTaskRepository } from '../../src/store/keyv-task-repository';
import { createIndexedRepositories, INDEXED_STORE_NAMESPACES, type IndexedRepositories, type IndexedStoreKeyvs } from '../../src/store/open-indexed-store';
import { TaskHistoryIndex } from '../../src/store/task-history-index';
import { UnsettledTasks } from '../../src/store/unsettled-tasks';
import { observe, observeRunning, submittedTask } from '../support/usage-fixtures';

/**
 * Crash safety of the derived data (history, usage records). A "crash" between two writes is
 * simulated by making one keyv write fail (the write does not happen, the operation stops
 * there, exactly the state a process death at that point leaves); a "restart" is new
 * repositories over the same data, which runs the start-up repair.
 */

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-10T00:00:00.000Z');
const now = () => T0 + 2 * DAY;
const RANGE = { from: new Date(T0), to: new Date(T0 + DAY), granularity: UsageGranularity.TOTAL };

async function setUp() {
  const stores = await openKeyvStores({ kind: 'memory' }, INDEXED_STORE_NAMESPACES);
  const keyv = stores.keyv;
  const open = async () => {
    const repos = await createIndexedRepositories(keyv, { historyChunkSize: 4, now });
    return {
      repos,
      reports: new UsageReportService({ history: repos.history, records: repos.usageRecords, cells: repos.usageCells, tasks: repos.tasks, maxBuckets: 100, now }),
      pages: new TaskHistoryService({ history: repos.history, tasks: repos.tasks }),
    };
  };
  return { keyv, open };
}

/** Makes the next write (set) to `keyv` whose key satisfies `when` fail, as if the process died just before it. */
function crashBeforeWrite(keyv: Keyv, when: (key: string) => boolean = () => true): jest.SpyInstance {
  const original = keyv.set.bind(keyv);
  const spy = jest.spyOn(keyv, 'set').mockImplementation(async (key: string, value: unknown, ttl?: number) => {
    if (when(key)) {
      spy.mockRestore();
      throw new Error(`simulated crash before writing ${keyv.namespace ?? ''}:${key}`);
    }
    return original(key, value, ttl);
  });
  return spy;
}

async function journal(keyv: IndexedStoreKeyvs): Promise<string[]> {
  return (await new UnsettledTasks(keyv.unsettled_tasks).list()).map((t) => t.taskId).sort();
}

async function ids(pages: TaskHistoryService, clientId = 'alice', statuses?: VideoTaskStatus[]): Promise<string[]> {
  return (await pages.page(clientId, { first: 100, filter: { statuses } })).edges.map((e) => e.node.id);
}

describe('IndexedTaskRepository crash safety', () => {
  it('repairs a crash between the finished task write and its usage record: on read, and at start-up, counting once', async () => {
    const { keyv, open } = await setUp();
    let { repos, reports } = await open();
    await repos.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 + 1 }));
    await repos.tasks.insert(submittedTask({ id: 'vt_2', clientId: 'alice', createdAtMs: T0 + 2 }));
    await repos.tasks.update('vt_2', observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.0375' }, T0 + 5));

    crashBeforeWrite(keyv.usage_records);
    await expect(repos.tasks.update('vt_1', observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' }, T0 + 10))).rejects.toThrow(/simulated crash/);
    expect((await repos.tasks.get('vt_1'))?.status).toBe(VideoTaskStatus.SUCCEEDED);
    expect(await repos.usageRecords.get('vt_1')).toBeUndefined();
    expect(await journal(keyv)).toEqual(['vt_1']);

    // Repair on read, before any restart: counted once, and the record is now there.
    expect((await reports.report({ clientId: 'alice', admin: false }, RANGE)).totals).toMatchObject({ tasks: 2, succeeded: 2, costUsd: '0.1375' });
    expect(await repos.usageRecords.get('vt_1')).toEqual(usageRecordOf((await repos.tasks.get('vt_1'))!));
    expect(await journal(keyv)).toEqual([]);

    // A restart, and the poller observing the end again: nothing changes.
    ({ repos, reports } = await open());
    await repos.tasks.update('vt_1', observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' }, T0 + 20));
    expect((await reports.report({ clientId: 'alice', admin: false }, RANGE)).totals).toMatchObject({ tasks: 2, succeeded: 2, costUsd: '0.1375' });
  });

  it('repairs the same crash at start-up, before any read', async () => {
    const { keyv, open } = await setUp();
    let { repos, reports } = await open();
    await repos.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 + 1 }));
    crashBeforeWrite(keyv.usage_records);
    await expect(repos.tasks.update('vt_1', observe({ status: VideoTaskStatus.FAILED }, T0 + 10))).rejects.toThrow(/simulated crash/);

    ({ repos, reports } = await open());
    expect(await repos.usageRecords.get('vt_1')).toMatchObject({ status: VideoTaskStatus.FAILED, costUsd: '0' });
    expect(await journal(keyv)).toEqual([]);
    expect((await reports.report({ clientId: 'alice', admin: false }, RANGE)).totals).toMatchObject({ tasks: 1, failed: 1 });
  });

  it('repairs a crash between the task write and its history status (filters see the right status after a restart)', async () => {
    const { keyv, open } = await setUp();
    let { repos, pages } = await open();
    await repos.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 + 1 }));
    crashBeforeWrite(keyv.task_history, (key) => key.startsWith('chunk:'));
    await expect(repos.tasks.update('vt_1', observeRunning(T0 + 5))).rejects.toThrow(/simulated crash/);
    // The task moved on; the index still says QUEUED: a RUNNING filter misses it until repaired.
    expect((await repos.tasks.get('vt_1'))?.status).toBe(VideoTaskStatus.RUNNING);
    expect(await ids(pages, 'alice', [VideoTaskStatus.RUNNING])).toEqual([]);

    ({ repos, pages } = await open());
    expect(await ids(pages, 'alice', [VideoTaskStatus.RUNNING])).toEqual(['vt_1']);
    expect(await journal(keyv)).toEqual(['vt_1']); // still unfinished: stays journaled
  });

  it('undoes the history entry of an insert whose task write failed', async () => {
    const { keyv, open } = await setUp();
    const { repos, pages } = await open();
    crashBeforeWrite(keyv.tasks);
    await expect(repos.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 + 1 }))).rejects.toThrow(/simulated crash/);
    expect(await repos.history.get('alice', { createdAtMs: T0 + 1, taskId: 'vt_1' })).toBeUndefined();
    expect(await journal(keyv)).toEqual([]);
    expect(await ids(pages)).toEqual([]);
    // The id is free: the insert can be retried.
    await repos.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 + 1 }));
    expect(await ids(pages)).toEqual(['vt_1']);
  });

  it('removes at start-up the history entry of an insert that died before its task write (pages skip it meanwhile)', async () => {
    const { keyv, open } = await setUp();
    let { repos, pages, reports } = await open();
    await repos.tasks.insert(submittedTask({ id: 'vt_0', clientId: 'alice', createdAtMs: T0 }));
    // The task write fails, and so does the undo: as if the process had died between the two.
    crashBeforeWrite(keyv.tasks);
    const remove = jest.spyOn(repos.history, 'remove').mockRejectedValueOnce(new Error('simulated crash'));
    await expect(repos.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 + 1 }))).rejects.toThrow(/simulated crash/);
    remove.mockRestore();
    expect(await repos.history.get('alice', { createdAtMs: T0 + 1, taskId: 'vt_1' })).toBeDefined();
    expect(await ids(pages)).toEqual(['vt_0']);
    // Reports trust entries (they never read unfinished tasks): until the next start-up, the
    // orphan counts as a submitted task, without cost. Its period is cached that way, too.
    expect((await reports.report({ clientId: 'alice', admin: false }, RANGE)).totals).toMatchObject({ tasks: 2, costUsd: '0' });

    ({ repos, pages, reports } = await open());
    expect(await repos.history.get('alice', { createdAtMs: T0 + 1, taskId: 'vt_1' })).toBeUndefined();
    expect(await journal(keyv)).toEqual(['vt_0']);
    expect((await reports.report({ clientId: 'alice', admin: false }, RANGE)).totals.tasks).toBe(1);
  });

  it('keeps the history exact when a chunk split is cut short before the old chunk is rewritten', async () => {
    const stores = await openKeyvStores({ kind: 'memory' }, INDEXED_STORE_NAMESPACES);
    const repos = await createIndexedRepositories(stores.keyv, { historyChunkSize: 2, now });
    const pages = new TaskHistoryService({ history: repos.history, tasks: repos.tasks });
    // Chunk 0 gets [100, 200], chunk 1 [300]; then older tasks fill chunk 0 until it splits.
    for (const second of [100, 200, 300, 10, 20]) await repos.tasks.insert(submittedTask({ id: `vt_${second}`, clientId: 'alice', createdAtMs: T0 + second * 1000 }));
    // The split writes the upper half as a new chunk, then the head, then the shortened chunk 0: crash before the last.
    crashBeforeWrite(stores.keyv.task_history, (key) => key === 'chunk:0:alice');
    await expect(repos.tasks.insert(submittedTask({ id: 'vt_30', clientId: 'alice', createdAtMs: T0 + 30_000 }))).rejects.toThrow(/simulated crash/);
    expect(await ids(pages)).toEqual(['vt_300', 'vt_200', 'vt_100', 'vt_20', 'vt_10']);
    // Later writes to that range work on the clipped chunk.
    await repos.tasks.insert(submittedTask({ id: 'vt_25', clientId: 'alice', createdAtMs: T0 + 25_000 }));
    await repos.tasks.insert(submittedTask({ id: 'vt_150', clientId: 'alice', createdAtMs: T0 + 150_000 }));
    expect(await ids(pages)).toEqual(['vt_300', 'vt_200', 'vt_150', 'vt_100', 'vt_25', 'vt_20', 'vt_10']);
    expect((await repos.history.between('alice', T0, T0 + 400_000)).map((e) => e.taskId)).toEqual(['vt_10', 'vt_20', 'vt_25', 'vt_100', 'vt_150', 'vt_200', 'vt_300']);
  });

  it('builds history, records and journal for a store written before they existed, once', async () => {
    const { keyv, open } = await setUp();
    // An older gateway: the task repository alone.
    const plain = new KeyvTaskRepository({ tasks: keyv.tasks, active: keyv.active_tasks });
    for (let i = 0; i < 10; i += 1) {
      const task = submittedTask({ id: `vt_${i}`, clientId: i % 2 ? 'bob' : 'alice', createdAtMs: T0 + i * 1000 });
      await plain.insert(i < 6 ? observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' }, T0 + 60_000)(task)! : task);
    }
    const { repos, pages, reports } = await open();
    expect(await ids(pages, 'alice')).toEqual(['vt_8', 'vt_6', 'vt_4', 'vt_2', 'vt_0']);
    expect(await ids(pages, 'bob', [VideoTaskStatus.SUCCEEDED])).toEqual(['vt_5', 'vt_3', 'vt_1']);
    expect(await journal(keyv)).toEqual(['vt_6', 'vt_7', 'vt_8', 'vt_9']);
    expect((await reports.report({ clientId: 'ops', admin: true }, RANGE)).totals).toMatchObject({ tasks: 10, succeeded: 6, costUsd: '0.6' });
    // And they keep following: a task finished now is counted.
    await repos.tasks.update('vt_9', observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.0375' }, T0 + 70_000));
    expect((await reports.report({ clientId: 'ops', admin: true }, RANGE)).totals).toMatchObject({ succeeded: 7, costUsd: '0.6375' });

    const rebuild = jest.spyOn(TaskHistoryIndex.prototype, 'rebuild');
    try {
      const again = await open();
      expect(rebuild).not.toHaveBeenCalled();
      expect((await again.reports.report({ clientId: 'ops', admin: true }, RANGE)).totals).toMatchObject({ succeeded: 7, costUsd: '0.6375' });
    } finally {
      rebuild.mockRestore();
    }
  });

  it('runs an interrupted build again at the next start', async () => {
    const { keyv, open } = await setUp();
    const plain = new KeyvTaskRepository({ tasks: keyv.tasks, active: keyv.active_tasks });
    await plain.insert(observe({ status: VideoTaskStatus.EXPIRED }, T0 + 5)(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 }))!);
    crashBeforeWrite(keyv.task_history, (key) => key === 'meta:built');
    await expect(open()).rejects.toThrow(/simulated crash/);
    const { pages, reports } = await open();
    expect(await ids(pages)).toEqual(['vt_1']);
    expect((await reports.report({ clientId: 'alice', admin: false }, RANGE)).totals).toMatchObject({ tasks: 1, expired: 1 });
  });
});

describe('IndexedTaskRepository', () => {
  let repos: IndexedRepositories;
  beforeEach(async () => {
    const { open } = await setUp();
    ({ repos } = await open());
  });

  it('serializes concurrent updates of one task with their derived writes (the history ends on the last status)', async () => {
    await repos.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 }));
    await Promise.all([
      repos.tasks.update('vt_1', observeRunning(T0 + 1)),
      repos.tasks.update('vt_1', observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' }, T0 + 2)),
      repos.tasks.update('vt_1', observe({ status: VideoTaskStatus.FAILED }, T0 + 3)),
    ]);
    const task = await repos.tasks.get('vt_1');
    expect((await repos.history.get('alice', { createdAtMs: T0, taskId: 'vt_1' }))?.status).toBe(task?.status);
    expect((await repos.usageRecords.get('vt_1'))?.status).toBe(task?.status);
  });

  it('refuses a task whose creation time cannot be ordered, writing nothing', async () => {
    await expect(repos.tasks.insert({ ...submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 }), createdAt: 'yesterday' })).rejects.toThrow(RangeError);
    expect(await repos.tasks.get('vt_1')).toBeUndefined();
    expect(await repos.history.clients()).toEqual([]);
  });

  it('withdraws the usage of a task moved back out of a finished status (outside the state machine)', async () => {
    const task = observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' }, T0 + 1)(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 }))!;
    await repos.tasks.insert(task);
    expect(await repos.usageRecords.get('vt_1')).toBeDefined();
    await repos.tasks.update('vt_1', (t) => ({ ...t, status: VideoTaskStatus.RUNNING }));
    expect(await repos.usageRecords.get('vt_1')).toBeUndefined();
    expect(await repos.tasks.listActive()).toEqual(['vt_1']);
  });
});
