import { VideoTaskStatus } from '../../src/domain/task-status';
import { GENERATE, KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { waitFor } from '../support/wait-for';
import { subscribe, wsClient } from '../support/ws-client';

const UNRECONCILED = 'query { unreconciledCreates { taskId clientId createdAt inputFingerprint } }';
const USAGE = `query($from: DateTime!, $to: DateTime!) { usageReport(from: $from, to: $to, granularity: TOTAL) {
  totals { tasks succeeded costUsd } unreconciled { creates } } }`;
const TASK = 'query($id: ID!) { videoTask(id: $id) { id status upstreamTaskId syncedAt } }';

/**
 * Creates whose answer was lost: the write-ahead task stays OUTCOME_UNKNOWN (visible to the
 * caller, listed for admins, counted in usage reports) until the upstream's callback names the
 * upstream task, which the gateway reads from the upstream itself and adopts.
 */
describe('unconfirmed creates', () => {
  let h: Harness;
  const range = {
    from: new Date(Date.now() - 60_000).toISOString(),
    to: new Date(Date.now() + 3_600_000).toISOString(),
  };
  beforeAll(async () => {
    // Tasks move only by hand (control), so each callback is one the test caused.
    h = await startHarness({ store: 'sqlite', callbacks: true, simulator: { queueMs: 600_000, runMs: 600_000 } });
  });
  afterAll(() => h.stop());
  beforeEach(() => h.simulator.faults.clear());

  const generate = (prompt: string, key: string | null, apiKey: string) =>
    h.gql(GENERATE, { input: { textToVideo: { prompt } }, key }, apiKey);
  /** The upstream task the simulator created after `known` ones (the gateway never heard its id). */
  const upstreamTaskAfter = async (known: number) =>
    (
      await waitFor(
        () => h.simulator.control.taskIds(),
        (ids) => ids.length > known,
        { what: 'the late upstream task' },
      )
    )[known]!;

  it('a timed-out keyed create is OUTCOME_UNKNOWN, listed and counted, then adopted from a callback; its replay returns the task', async () => {
    const known = h.simulator.control.taskIds().length;
    // The harness gives the upstream 2 s; this create is accepted after 2.5 s.
    h.simulator.faults.add({ route: 'create', delayMs: 2_500, times: 1 });
    const lost = (await generate('a lost kite', 'order-lost', KEYS.bob)).data!.generateVideo;
    expect(lost).toMatchObject({
      __typename: 'UpstreamError',
      code: 'UPSTREAM_CREATE_OUTCOME_UNKNOWN',
      retryable: false,
    });
    const taskId = lost.taskId as string;
    expect((await h.gql(TASK, { id: taskId }, KEYS.bob)).data!.videoTask).toEqual({
      id: taskId,
      status: 'OUTCOME_UNKNOWN',
      upstreamTaskId: null,
      syncedAt: null,
    });
    const listed = (await h.gql(UNRECONCILED, {}, KEYS.admin)).data!.unreconciledCreates;
    expect(listed).toEqual([
      {
        taskId,
        clientId: 'bob',
        createdAt: expect.any(String),
        inputFingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect((await h.gql(UNRECONCILED, {}, KEYS.bob)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await h.gql(USAGE, range, KEYS.bob)).data!.usageReport).toMatchObject({
      totals: { tasks: 1 },
      unreconciled: { creates: 1 },
    });
    expect((await h.gql(USAGE, range, KEYS.alice)).data!.usageReport.unreconciled).toEqual({ creates: 0 });
    // The replay stays honest: no second create, the same task named.
    const creates = h.simulator.stats().creates;
    expect((await generate('a lost kite', 'order-lost', KEYS.bob)).data!.generateVideo).toMatchObject({
      code: 'UPSTREAM_CREATE_OUTCOME_UNKNOWN',
      taskId,
    });
    expect(h.simulator.stats().creates).toBe(creates);

    const upstreamTaskId = await upstreamTaskAfter(known);
    const client = wsClient(h.gateway.url, `Bearer ${KEYS.bob}`);
    try {
      const sub = subscribe<{ videoTaskUpdated: { status: string; upstreamTaskId: string | null } }>(
        client,
        'subscription($id: ID!) { videoTaskUpdated(id: $id) { status upstreamTaskId } }',
        { id: taskId },
      );
      await sub.received(1);
      h.simulator.control.setStatus(upstreamTaskId, 'processing'); // its callback names the upstream task
      const events = await sub.received(2);
      expect(events.map((e) => e.videoTaskUpdated)).toEqual([
        { status: 'OUTCOME_UNKNOWN', upstreamTaskId: null },
        { status: 'RUNNING', upstreamTaskId },
      ]);
      h.simulator.control.complete(upstreamTaskId);
      expect((await sub.completed).map((e) => e.videoTaskUpdated.status)).toEqual([
        'OUTCOME_UNKNOWN',
        'RUNNING',
        'SUCCEEDED',
      ]);
    } finally {
      await client.dispose();
    }
    const replay = (await generate('a lost kite', 'order-lost', KEYS.bob)).data!.generateVideo;
    expect(replay).toMatchObject({
      __typename: 'GenerateVideoSuccess',
      replayed: true,
      task: { id: taskId, status: 'SUCCEEDED', upstreamTaskId },
    });
    expect((await h.gateway.store.idempotency.get('bob', 'order-lost'))?.state).toBe('created');
    expect((await h.gql(UNRECONCILED, {}, KEYS.admin)).data!.unreconciledCreates).toEqual([]);
    const usage = (await h.gql(USAGE, range, KEYS.bob)).data!.usageReport;
    expect(usage).toMatchObject({ totals: { tasks: 1, succeeded: 1 }, unreconciled: { creates: 0 } });
    expect(usage.totals.costUsd).not.toBe('0');
    expect(h.simulator.stats().creates).toBe(creates);
  });

  it('an unkeyed create that timed out names its OUTCOME_UNKNOWN task in the UpstreamError', async () => {
    h.simulator.faults.add({ route: 'create', delayMs: 2_500, times: 1 });
    const lost = (await generate('no key', null, KEYS.alice)).data!.generateVideo;
    expect(lost).toMatchObject({
      __typename: 'UpstreamError',
      code: 'UPSTREAM_TIMEOUT',
      retryable: false,
      taskId: expect.stringMatching(/^vt_/),
    });
    expect((await h.gql(TASK, { id: lost.taskId }, KEYS.alice)).data!.videoTask.status).toBe('OUTCOME_UNKNOWN');
  });

  it('ignores a callback body naming an upstream task that does not exist, and a malformed one', async () => {
    const known = h.simulator.control.taskIds().length;
    h.simulator.faults.add({ route: 'create', delayMs: 2_500, times: 1 });
    const taskId = (await generate('forged body', null, KEYS.alice)).data!.generateVideo.taskId as string;
    const url = h.simulator.control.callbackUrl(await upstreamTaskAfter(known))!;
    const reads = h.simulator.stats().statusReads;
    for (const body of [{ id: 'cgt-does-not-exist' }, { id: 42 }, 'not json']) {
      expect((await fetch(url, { method: 'POST', body: JSON.stringify(body) })).status).toBe(202);
    }
    // Only the well-formed id was looked up (once), and it was not adopted.
    await waitFor(
      () => h.simulator.stats().statusReadsByTask['cgt-does-not-exist'] ?? 0,
      (n) => n === 1,
      { what: 'the lookup' },
    );
    expect(h.simulator.stats().statusReads).toBe(reads + 1);
    expect((await h.gql(TASK, { id: taskId }, KEYS.alice)).data!.videoTask.status).toBe('OUTCOME_UNKNOWN');
  });

  it('a refused create leaves no task: not in the history, not counted', async () => {
    const before = (await h.gql(USAGE, range, KEYS.alice)).data!.usageReport.totals.tasks as number;
    h.simulator.faults.add({ route: 'create', status: 400, errorCode: '003004003', times: 1 });
    const refused = (await generate('refused', null, KEYS.alice)).data!.generateVideo;
    expect(refused).toMatchObject({ __typename: 'UpstreamError', retryable: false, taskId: null });
    const page = (await h.gql('query { videoTasks(first: 100) { edges { node { status } } } }', {}, KEYS.alice)).data!
      .videoTasks.edges;
    expect(page.map((e: { node: { status: string } }) => e.node.status)).not.toContain('SUBMITTING');
    expect((await h.gql(USAGE, range, KEYS.alice)).data!.usageReport.totals.tasks).toBe(before);
    expect(await h.gateway.store.tasks.listByStatus([VideoTaskStatus.SUBMITTING])).toEqual([]);
  });
});
