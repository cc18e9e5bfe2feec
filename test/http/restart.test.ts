import { GENERATE, startHarness, type Harness } from '../support/gateway-harness';
import { waitFor } from '../support/wait-for';

/**
 * A gateway that goes away mid-task (its process state is gone; only the SQLite file
 * remains) and a new one on the same store: every task is resumed and finished.
 */
describe('restart with the SQLite store', () => {
  let h: Harness;
  beforeAll(async () => {
    // Tasks finish only when the test says so, so they are certainly mid-flight at the restart.
    h = await startHarness({ store: 'sqlite', simulator: { queueMs: 60_000, runMs: 60_000 } });
  });
  afterAll(() => h.stop());

  it('loses no task and finishes each after the restart', async () => {
    const ids: string[] = [];
    for (const prompt of ['one', 'two', 'three [sim:fail]']) {
      const result = await h.gql(GENERATE, { input: { textToVideo: { prompt } } });
      ids.push(result.data!.generateVideo.task.id);
    }
    await h.stopGateway();
    const upstreamIds: string[] = [];
    await h.restartGateway();
    expect(h.gateway.poller.size).toBe(3);
    for (const id of ids) {
      const task = await h.waitForStatus(id, ['QUEUED']);
      upstreamIds.push(task.upstreamTaskId);
    }
    h.simulator.control.complete(upstreamIds[0]!);
    h.simulator.control.complete(upstreamIds[1]!);
    h.simulator.control.fail(upstreamIds[2]!);
    expect((await h.waitForStatus(ids[0]!, ['SUCCEEDED'])).usage).not.toBeNull();
    expect((await h.waitForStatus(ids[1]!, ['SUCCEEDED'])).videos).toHaveLength(1);
    expect((await h.waitForStatus(ids[2]!, ['FAILED'])).error).not.toBeNull();
  });
});

describe('stopping with a create in flight (SQLite store)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ store: 'sqlite', simulator: { queueMs: 60_000, runMs: 60_000 } });
  });
  afterAll(() => h.stop());

  it('stops only after a create the upstream is answering has been stored (nothing billed is lost)', async () => {
    const creates = h.simulator.stats().creates;
    h.simulator.faults.add({ route: 'create', delayMs: 500, times: 1 });
    const submitting = h.gql(GENERATE, { input: { textToVideo: { prompt: 'in flight at shutdown' } } });
    await waitFor(
      () => h.simulator.stats().creates,
      (n) => n === creates + 1,
      { what: 'the create to reach the upstream' },
    );
    await h.restartGateway(); // stop() drains: the create's answer is stored before the store closes
    const submitted = (await submitting).data!.generateVideo;
    expect(submitted.__typename).toBe('GenerateVideoSuccess');
    const stored = await h.gql('query($id: ID!) { videoTask(id: $id) { id status } }', { id: submitted.task.id });
    expect(stored.data!.videoTask).toEqual({ id: submitted.task.id, status: 'QUEUED' });
    expect(h.simulator.stats().creates).toBe(creates + 1);
  });
});
