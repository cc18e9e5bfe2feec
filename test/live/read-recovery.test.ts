import { GENERATE, startHarness, type Harness } from '../support/gateway-harness';
import { waitFor } from '../support/wait-for';

const TASK = 'query($id: ID!) { videoTask(id: $id) { status syncedAt } }';

/**
 * Fresh state after failed reads: with callbacks on (60 s safety interval), a read that fails
 * is retried on the normal backoff, so the end is seen within seconds; a 429 pauses reads for
 * its Retry-After only; `syncedAt` says when the upstream was last read successfully.
 */
describe('reads after failures', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      callbacks: true,
      simulator: { queueMs: 600_000, runMs: 600_000 },
      env: { POLL_MIN_INTERVAL_MS: '200', POLL_MAX_INTERVAL_MS: '1000', POLL_CALLBACK_SAFETY_INTERVAL_MS: '60000' },
    });
  });
  afterAll(() => h.stop());
  beforeEach(() => h.simulator.faults.clear());

  const submit = async () =>
    (await h.gql(GENERATE, { input: { textToVideo: { prompt: 'recover' } } })).data!.generateVideo.task as {
      id: string;
      upstreamTaskId: string;
    };
  const readsOf = (upstreamTaskId: string) => h.simulator.stats().statusReadsByTask[upstreamTaskId] ?? 0;
  const stateOf = async (id: string) =>
    (await h.gql(TASK, { id })).data!.videoTask as { status: string; syncedAt: string | null };
  /** Past the early read: from now on only callbacks (or the 60 s safety read) cause reads. */
  const pastEarlyRead = async (task: { id: string; upstreamTaskId: string }) => {
    await waitFor(
      () => stateOf(task.id),
      (s) => s.syncedAt !== null,
      { what: 'the early read' },
    );
    return stateOf(task.id);
  };

  it.each([
    ['a 5xx', { status: 503, times: 3 }],
    ['a timeout', { delayMs: 2_500, times: 1 }],
    ['a malformed answer', { malformed: true, times: 2 }],
    ['a 404 not yet confirmed as loss', { status: 404, times: 2 }],
  ])(
    'a callback-triggered read that fails with %s is retried: SUCCEEDED within seconds, not at the safety read',
    async (what, fault) => {
      const task = await submit();
      const early = await pastEarlyRead(task);
      h.simulator.faults.add({ route: 'status', ...fault });
      const finishedAt = Date.now();
      h.simulator.control.complete(task.upstreamTaskId);
      const done = await waitFor(
        () => stateOf(task.id),
        (s) => s.status === 'SUCCEEDED',
        { what: 'SUCCEEDED', timeoutMs: 10_000 },
      );
      const staleSeconds = (Date.now() - finishedAt) / 1000;
      console.log(`after ${what}: SUCCEEDED seen ${staleSeconds.toFixed(2)} s after the upstream finished`);
      expect(staleSeconds).toBeLessThan(6);
      expect(Date.parse(done.syncedAt!)).toBeGreaterThan(Date.parse(early.syncedAt!));
    },
  );

  it('keeps syncedAt at the last successful read while reads fail, and moves it once they succeed', async () => {
    const task = await submit();
    const early = await pastEarlyRead(task);
    h.simulator.faults.add({ route: 'status', status: 500, errorCode: '003004099', times: 4 });
    const reads = readsOf(task.upstreamTaskId);
    h.simulator.control.setStatus(task.upstreamTaskId, 'processing'); // its callback asks for a read, which fails
    await waitFor(
      () => readsOf(task.upstreamTaskId),
      (n) => n >= reads + 3,
      { what: 'three failed reads' },
    );
    expect(await stateOf(task.id)).toEqual({ status: 'QUEUED', syncedAt: early.syncedAt });
    const running = await waitFor(
      () => stateOf(task.id),
      (s) => s.status === 'RUNNING',
      { what: 'RUNNING' },
    );
    expect(Date.parse(running.syncedAt!)).toBeGreaterThan(Date.parse(early.syncedAt!));
  });

  it('an upstream 429 pauses reads for its Retry-After, then they resume', async () => {
    const task = await submit();
    await pastEarlyRead(task);
    h.simulator.faults.add({ route: 'status', retryAfterSeconds: 1, times: 1 });
    const limitedAt = Date.now();
    h.simulator.control.complete(task.upstreamTaskId);
    await waitFor(
      () => stateOf(task.id),
      (s) => s.status === 'SUCCEEDED',
      { what: 'SUCCEEDED after the pause' },
    );
    const seconds = (Date.now() - limitedAt) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(0.9);
    expect(seconds).toBeLessThan(5);
  });
});
