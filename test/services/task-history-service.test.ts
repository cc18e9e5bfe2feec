import { GenerationMode } from '../../src/domain/generation-mode';
import { VideoTaskStatus } from '../../src/domain/task-status';
import type { VideoTask } from '../../src/domain/video-task';
import { InvalidQueryError } from '../../src/services/query-errors';
import { TaskHistoryService, type TaskHistoryFilter } from '../../src/services/task-history-service';
import type { GatewayStore } from '../../src/store/open-store';
import { describeEachEngine, type TestStores } from '../support/test-stores';
import { observe, observeRunning, pick, prng, submittedTask } from '../support/usage-fixtures';

const T0 = Date.parse('2026-02-01T00:00:00.000Z');

interface Setup {
  store: GatewayStore;
  service: TaskHistoryService;
}

/** A fresh store of the engine and the service on it. */
async function setUp(stores: TestStores): Promise<Setup> {
  const { store } = await stores.open();
  return { store, service: new TaskHistoryService({ history: store.history }) };
}

/** Newest first, ties by id (descending): the order videoTasks promises. */
function newestFirst(a: VideoTask, b: VideoTask): number {
  const byTime = Date.parse(b.createdAt) - Date.parse(a.createdAt);
  return byTime !== 0 ? byTime : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Every page, in order, of `clientId`'s tasks; `between` runs after each page (to create tasks meanwhile). */
async function pageThrough(
  service: TaskHistoryService,
  clientId: string,
  first: number,
  filter?: TaskHistoryFilter,
  between?: (page: number) => Promise<void>,
) {
  const ids: string[] = [];
  let after: string | null = null;
  for (let page = 0; ; page += 1) {
    const result = await service.page(clientId, { first, after, filter });
    expect(result.edges.length).toBeLessThanOrEqual(first);
    ids.push(...result.edges.map((edge) => edge.node.id));
    if (!result.pageInfo.hasNextPage) {
      return ids;
    }
    expect(result.edges.length).toBe(first);
    expect(result.pageInfo.endCursor).toBe(result.edges[result.edges.length - 1]!.cursor);
    after = result.pageInfo.endCursor;
    await between?.(page);
  }
}

/** 300 tasks of three clients, every mode, creation times with many shared seconds, some finished. */
async function seed(setup: Setup, seedValue = 3): Promise<VideoTask[]> {
  const random = prng(seedValue);
  const tasks: VideoTask[] = [];
  for (let i = 0; i < 300; i += 1) {
    const task = submittedTask({
      id: `vt_${String(i).padStart(4, '0')}`,
      clientId: pick(random, ['alice', 'alice', 'bob', 'carol']),
      createdAtMs: T0 + Math.floor(random() * 120) * 1000,
      mode: pick(random, Object.values(GenerationMode)),
    });
    tasks.push(task);
  }
  // Each in its final state, in one bulk insert (one transaction: the seed of every test stays cheap).
  const stored = tasks.map((task) => {
    const roll = random();
    if (roll < 0.3) return observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' }, T0 + 200_000)(task)!;
    if (roll < 0.4) return observe({ status: VideoTaskStatus.FAILED }, T0 + 200_000)(task)!;
    if (roll < 0.6) return observeRunning(T0 + 200_000)(task)!;
    return task;
  });
  expect(await setup.store.tasks.insertMany(stored)).toBe(stored.length);
  return stored;
}

describeEachEngine('TaskHistoryService', (stores) => {
  it('lists every task of the client exactly once, newest first, with pages of 1, 7 and 100', async () => {
    const setup = await setUp(stores);
    const tasks = await seed(setup);
    const expected = tasks
      .filter((t) => t.clientId === 'alice')
      .sort(newestFirst)
      .map((t) => t.id);
    expect(expected.length).toBeGreaterThan(100);
    for (const first of [1, 7, 100]) {
      expect(await pageThrough(setup.service, 'alice', first)).toEqual(expected);
    }
  });

  it('neither skips nor repeats a task when tasks are created between pages; new ones lead the next first page', async () => {
    const setup = await setUp(stores);
    const tasks = await seed(setup);
    const expected = tasks
      .filter((t) => t.clientId === 'alice')
      .sort(newestFirst)
      .map((t) => t.id);
    const created: string[] = [];
    const listed = await pageThrough(setup.service, 'alice', 7, undefined, async (page) => {
      // Newer tasks, as the gateway creates them, including some in the same millisecond as the newest.
      const task = submittedTask({ id: `vt_new_${page}`, clientId: 'alice', createdAtMs: T0 + 120_000 + (page % 3) });
      created.push(task.id);
      await setup.store.tasks.insert(task);
      await setup.store.tasks.insert(
        submittedTask({ id: `vt_bob_new_${page}`, clientId: 'bob', createdAtMs: T0 + 120_000 + page }),
      );
    });
    expect(listed).toEqual(expected);
    expect(new Set(listed).size).toBe(listed.length);
    const fresh = await setup.service.page('alice', { first: 100 });
    expect(
      fresh.edges
        .slice(0, created.length)
        .map((e) => e.node.id)
        .sort(),
    ).toEqual([...created].sort());
  });

  it('still lists a task stored late with a creation time older than the cursor, in a later page', async () => {
    const setup = await setUp(stores);
    const tasks = await seed(setup);
    const alice = tasks.filter((t) => t.clientId === 'alice').sort(newestFirst);
    const first = await setup.service.page('alice', { first: 10 });
    await setup.store.tasks.insert(submittedTask({ id: 'vt_late', clientId: 'alice', createdAtMs: T0 - 1 }));
    const rest: string[] = [];
    let after = first.pageInfo.endCursor;
    for (;;) {
      const page = await setup.service.page('alice', { first: 25, after });
      rest.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect([...first.edges.map((e) => e.node.id), ...rest]).toEqual([...alice.map((t) => t.id), 'vt_late']);
  });

  it('applies filters by status, mode and creation time, alone and together, through every page', async () => {
    const setup = await setUp(stores);
    const tasks = await seed(setup);
    const alice = tasks.filter((t) => t.clientId === 'alice').sort(newestFirst);
    const from = new Date(T0 + 30_000);
    const before = new Date(T0 + 90_000);
    const cases: Array<[TaskHistoryFilter, (t: VideoTask) => boolean]> = [
      [{ statuses: [VideoTaskStatus.SUCCEEDED] }, (t) => t.status === VideoTaskStatus.SUCCEEDED],
      [
        { statuses: [VideoTaskStatus.QUEUED, VideoTaskStatus.RUNNING] },
        (t) => t.status === VideoTaskStatus.QUEUED || t.status === VideoTaskStatus.RUNNING,
      ],
      [{ statuses: [VideoTaskStatus.EXPIRED] }, () => false],
      [{ modes: [GenerationMode.REFERENCE_IMAGES] }, (t) => t.mode === GenerationMode.REFERENCE_IMAGES],
      [{ createdAfter: from }, (t) => Date.parse(t.createdAt) >= from.getTime()],
      [{ createdBefore: before }, (t) => Date.parse(t.createdAt) < before.getTime()],
      [
        {
          statuses: [VideoTaskStatus.FAILED, VideoTaskStatus.RUNNING],
          modes: [GenerationMode.FIRST_FRAME, GenerationMode.TEXT_TO_VIDEO],
          createdAfter: from,
          createdBefore: before,
        },
        (t) =>
          (t.status === VideoTaskStatus.FAILED || t.status === VideoTaskStatus.RUNNING) &&
          (t.mode === GenerationMode.FIRST_FRAME || t.mode === GenerationMode.TEXT_TO_VIDEO) &&
          Date.parse(t.createdAt) >= from.getTime() &&
          Date.parse(t.createdAt) < before.getTime(),
      ],
      [{ statuses: [], modes: [] }, () => true],
    ];
    for (const [filter, matches] of cases) {
      const expected = alice.filter(matches).map((t) => t.id);
      for (const first of [1, 7]) expect(await pageThrough(setup.service, 'alice', first, filter)).toEqual(expected);
    }
  });

  it('follows status changes made between pages (the stored task decides)', async () => {
    const setup = await setUp(stores);
    const tasks = await seed(setup);
    const running = tasks
      .filter((t) => t.clientId === 'alice' && t.status === VideoTaskStatus.RUNNING)
      .sort(newestFirst);
    expect(running.length).toBeGreaterThan(6);
    const page = await setup.service.page('alice', { first: 3, filter: { statuses: [VideoTaskStatus.RUNNING] } });
    expect(page.edges.map((e) => e.node.id)).toEqual(running.slice(0, 3).map((t) => t.id));
    // The 4th finishes before the next page: it no longer matches and is not listed.
    await setup.store.tasks.update(
      running[3]!.id,
      observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '1' }, T0 + 300_000),
    );
    const next = await setup.service.page('alice', {
      first: 3,
      after: page.pageInfo.endCursor,
      filter: { statuses: [VideoTaskStatus.RUNNING] },
    });
    expect(next.edges.map((e) => e.node.id)).toEqual(running.slice(4, 7).map((t) => t.id));
  });

  it("never lists another client's tasks, even with that client's cursor", async () => {
    const setup = await setUp(stores);
    const tasks = await seed(setup);
    const bobIds = new Set(tasks.filter((t) => t.clientId === 'bob').map((t) => t.id));
    const alicePage = await setup.service.page('alice', { first: 5 });
    const withAliceCursor = await setup.service.page('bob', { first: 100, after: alicePage.pageInfo.endCursor });
    expect(withAliceCursor.edges.every((e) => bobIds.has(e.node.id))).toBe(true);
    expect((await pageThrough(setup.service, 'bob', 7)).every((id) => bobIds.has(id))).toBe(true);
    expect(await setup.service.page('nobody', { first: 10 })).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });

  it('answers first: 0 with no edges and whether any task exists', async () => {
    const setup = await setUp(stores);
    expect((await setup.service.page('alice', { first: 0 })).pageInfo.hasNextPage).toBe(false);
    await setup.store.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 }));
    expect(await setup.service.page('alice', { first: 0 })).toEqual({
      edges: [],
      pageInfo: { hasNextPage: true, endCursor: null },
    });
    expect((await setup.service.page('alice', { first: null })).edges).toHaveLength(1);
  });

  it('refuses first above 100 or below 0, foreign cursors and empty time ranges', async () => {
    const { service } = await setUp(stores);
    const refusal = async (request: Parameters<TaskHistoryService['page']>[1]) => {
      const error = await service.page('alice', request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidQueryError);
      return error as InvalidQueryError;
    };
    expect((await refusal({ first: 101 })).argumentName).toBe('first');
    expect((await refusal({ first: 101 })).message).toMatch(/between 0 and 100/);
    expect((await refusal({ first: -1 })).argumentName).toBe('first');
    for (const after of [
      '',
      'nope!',
      Buffer.from('[2,1,"x"]').toString('base64url'),
      Buffer.from('[1,1.5,"x"]').toString('base64url'),
      Buffer.from('{').toString('base64url'),
    ]) {
      expect((await refusal({ after })).argumentName).toBe('after');
    }
    expect((await refusal({ filter: { createdAfter: new Date(T0), createdBefore: new Date(T0) } })).argumentName).toBe(
      'filter',
    );
    await expect(service.page('alice', { first: 100 })).resolves.toBeDefined();
  });

  it('reads one bounded SQL page per request, first + 1 rows, whatever the size of the store', async () => {
    const setup = await setUp(stores);
    const page = jest.spyOn(setup.store.history, 'page');
    const tasks = Array.from({ length: 1_000 }, (_, i) =>
      submittedTask({ id: `vt_${i}`, clientId: i % 10 === 0 ? 'alice' : `client${i % 7}`, createdAtMs: T0 + i }),
    );
    expect(await setup.store.tasks.insertMany(tasks)).toBe(1_000);
    const first = await setup.service.page('alice', { first: 20 });
    const second = await setup.service.page('alice', { first: 20, after: first.pageInfo.endCursor });
    expect(page).toHaveBeenCalledTimes(2);
    expect(page.mock.calls.map(([, query]) => query.limit)).toEqual([21, 21]);
    expect([...first.edges, ...second.edges].map((e) => e.node.id)).toEqual(
      Array.from({ length: 40 }, (_, i) => `vt_${990 - i * 10}`),
    );
  });
});
