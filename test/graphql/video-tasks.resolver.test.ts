import { VideoTaskStatus } from '../../src/domain/task-status';
import { GENERATE, KEYS, startHarness, type GraphQLResponse, type Harness } from '../support/gateway-harness';
import { observe, submittedTask } from '../support/usage-fixtures';
import { GenerationMode } from '../../src/domain/generation-mode';

const PAGE = `
  query Page($first: Int, $after: String, $filter: VideoTaskFilter) {
    videoTasks(first: $first, after: $after, filter: $filter) {
      edges { cursor node { id status mode createdAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

describe('videoTasks over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    // The seeded unfinished tasks hold slots (the store counts them): room for one more submission.
    h = await startHarness({ env: { MAX_ACTIVE_TASKS_PER_CLIENT: '100' } });
    const tasks = h.gateway.store.tasks;
    for (let i = 0; i < 45; i += 1) {
      const task = submittedTask({
        id: `vt_seed_${String(i).padStart(2, '0')}`,
        clientId: i % 3 === 0 ? 'bob' : 'alice',
        createdAtMs: T0 + i * 60_000,
        mode: i % 2 ? GenerationMode.FIRST_FRAME : GenerationMode.TEXT_TO_VIDEO,
      });
      await tasks.insert(
        i % 5 === 0 ? observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' }, T0 + 3_600_000)(task)! : task,
      );
    }
  });
  afterAll(async () => {
    await h.stop();
  });

  /** Every id of `key`'s tasks, paging with `first`. */
  async function all(key: string, first: number, filter?: Record<string, unknown>): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const response: GraphQLResponse = await h.gql(PAGE, { first, after, filter }, key);
      expect(response.errors).toBeUndefined();
      const connection: {
        edges: Array<{ node: { id: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      } = response.data!.videoTasks;
      ids.push(...connection.edges.map((e) => e.node.id));
      if (!connection.pageInfo.hasNextPage) return ids;
      after = connection.pageInfo.endCursor;
    }
  }

  it("pages through the caller's tasks, newest first, including one just submitted through the API", async () => {
    const submitted = await h.gql(GENERATE, { input: { textToVideo: { prompt: 'a red fox in snow' } } });
    const id = submitted.data!.generateVideo.task.id as string;
    const seeded = Array.from({ length: 45 }, (_, i) => `vt_seed_${String(i).padStart(2, '0')}`)
      .filter((_, i) => i % 3 !== 0)
      .reverse();
    expect(await all(KEYS.alice, 7)).toEqual([id, ...seeded]);
    expect(await all(KEYS.alice, 100)).toEqual([id, ...seeded]);
    // The default page size is 20.
    expect((await h.gql(PAGE, {})).data!.videoTasks.edges).toHaveLength(20);
    await h.waitForStatus(id, ['SUCCEEDED']);
  });

  it("never shows another client's tasks (admins included)", async () => {
    const bob = await all(KEYS.bob, 5);
    expect(bob).toEqual(Array.from({ length: 15 }, (_, i) => `vt_seed_${String(42 - i * 3).padStart(2, '0')}`));
    expect(await all(KEYS.admin, 5)).toEqual([]);
  });

  it('filters by status, mode and creation time', async () => {
    const ids = await all(KEYS.alice, 4, {
      status: ['SUCCEEDED'],
      mode: ['TEXT_TO_VIDEO', 'FIRST_FRAME'],
      createdAfter: new Date(T0 + 10 * 60_000).toISOString(),
      createdBefore: new Date(T0 + 40 * 60_000).toISOString(),
    });
    expect(ids).toEqual(['vt_seed_35', 'vt_seed_25', 'vt_seed_20', 'vt_seed_10']);
    expect(await all(KEYS.alice, 4, { mode: ['REFERENCE_IMAGES'] })).toEqual([]);
  });

  it('answers bad arguments with BAD_USER_INPUT naming the argument', async () => {
    for (const [variables, argumentName] of [
      [{ first: 101 }, 'first'],
      [{ first: -1 }, 'first'],
      [{ after: 'not-a-cursor' }, 'after'],
      [{ filter: { createdAfter: '2026-01-02T00:00:00Z', createdBefore: '2026-01-01T00:00:00Z' } }, 'filter'],
    ] as const) {
      const response = await h.gql(PAGE, variables);
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    }
    expect((await h.gql(PAGE, { first: 101 })).errors?.[0]?.message).toMatch(/between 0 and 100/);
    expect((await h.gql(PAGE, { first: 100 })).errors).toBeUndefined();
  });
});
