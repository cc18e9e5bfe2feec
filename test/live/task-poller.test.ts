import { startHarness, GENERATE, type Harness } from '../support/gateway-harness';
import { waitFor } from '../support/wait-for';

/** The poller against the simulator: single flight, 404 confirmation, expiry, 429 pause, terminal is final. */
describe('task poller', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ simulator: { queueMs: 60_000, runMs: 60_000 } });
  });
  afterAll(() => h.stop());
  beforeEach(() => h.simulator.faults.clear());

  const submit = async (prompt = 'p', options: Record<string, unknown> = {}) => {
    const result = await h.gql(GENERATE, { input: { textToVideo: { prompt, options } } });
    return result.data!.generateVideo.task as { id: string; upstreamTaskId: string };
  };

  it('moves QUEUED -> RUNNING -> SUCCEEDED, revisions growing, and never reads a finished task again', async () => {
    const task = await submit();
    h.simulator.control.setStatus(task.upstreamTaskId, 'processing');
    const running = await h.waitForStatus(task.id, ['RUNNING']);
    h.simulator.control.complete(task.upstreamTaskId);
    const done = await h.waitForStatus(task.id, ['SUCCEEDED']);
    expect(done.revision).toBeGreaterThan(running.revision);
    const reads = h.simulator.stats().statusReadsByTask[task.upstreamTaskId];
    // A later change upstream must not reach a terminal task: the gateway no longer asks. A
    // witness task, polled on the same 20-80 ms schedule, shows time passing: after five more
    // reads of it, a finished task still being polled would have been read too.
    h.simulator.control.fail(task.upstreamTaskId);
    const witness = await submit();
    const witnessReads = () => h.simulator.stats().statusReadsByTask[witness.upstreamTaskId] ?? 0;
    await waitFor(witnessReads, (n) => n >= 5, { what: 'five reads of the witness task' });
    const again = await h.gql(`query($id: ID!) { videoTask(id: $id) { status revision } }`, { id: task.id });
    expect(again.data!.videoTask).toEqual({ status: 'SUCCEEDED', revision: done.revision });
    expect(h.simulator.stats().statusReadsByTask[task.upstreamTaskId]).toBe(reads);
  });

  it('declares a task FAILED only after repeated 404s, not on the first blip', async () => {
    const task = await submit();
    h.simulator.faults.add({ route: 'status', status: 404, errorCode: '003004098', times: 2 });
    await waitFor(
      () => h.simulator.stats().statusReadsByTask[task.upstreamTaskId] ?? 0,
      (n) => n >= 3,
      { what: 'reads past the blip' },
    );
    const still = await h.gql(`query($id: ID!) { videoTask(id: $id) { status } }`, { id: task.id });
    expect(still.data!.videoTask.status).toBe('QUEUED');

    const lost = await submit();
    h.simulator.faults.add({ route: 'status', status: 404, errorCode: '003004098', times: 1000 });
    const failed = await h.waitForStatus(lost.id, ['FAILED']);
    expect(failed.error).toMatchObject({ code: 'UPSTREAM_NOT_FOUND', retryable: true });
  });
});
