import { TaskPoller } from '../../src/live/task-poller';
import { createLogger } from '../../src/logger';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { openStore, type GatewayStore } from '../../src/store/open-store';
import { HttpUpstreamClient } from '../../src/upstream/http-upstream-client';
import { queuedTask } from '../support/fixtures';
import { waitFor } from '../support/wait-for';

/** Single flight and the 429 pause, on the real client against the simulator. */
describe('task poller: single flight and rate limits', () => {
  let sim: RunningSimulator;
  let store: GatewayStore;
  let poller: TaskPoller;
  let upstream: HttpUpstreamClient;

  const createUpstreamTask = async (): Promise<string> => {
    const response = await fetch(`${sim.url}/v1/video/generations`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'spark_dance_v1_0_lite_t2v', content: [{ type: 'text', text: 'x' }] }),
    });
    return ((await response.json()) as { id: string }).id;
  };

  beforeEach(async () => {
    sim = await startSimulator({ apiKey: 'k', queueMs: 600_000, runMs: 600_000 });
    store = await openStore('memory://');
    upstream = new HttpUpstreamClient({
      baseUrl: sim.url,
      apiKey: 'k',
      createPath: '/v1/video/generations',
      statusPath: '/v1/video/generations/{id}',
      timeoutMs: 5000,
    });
  });
  afterEach(async () => {
    await poller.stop();
    await store.close();
    await sim.stop();
  });

  it('keeps one read in flight per task however many refreshes arrive, and re-reads once after it', async () => {
    poller = new TaskPoller({
      tasks: store.tasks,
      upstream,
      logger: createLogger('silent'),
      minIntervalMs: 60_000,
      maxIntervalMs: 60_000,
      concurrency: 4,
    });
    const upstreamTaskId = await createUpstreamTask();
    await store.tasks.insert(queuedTask({ id: 'vt_flight', upstreamTaskId }, Date.now()));
    sim.faults.add({ route: 'status', delayMs: 300 }); // hold the first read in flight
    poller.refreshNow('vt_flight');
    await waitFor(
      () => sim.stats().statusReads,
      (n) => n === 1,
      { what: 'the first read to start' },
    );
    for (let i = 0; i < 20; i += 1) poller.refreshNow('vt_flight');
    await waitFor(
      () => sim.stats().statusReads,
      (n) => n === 2,
      { what: 'the follow-up read' },
    );
    // The follow-up read is done once only the 60 s read is left scheduled: the 20 refreshes
    // collapsed into that one extra read.
    await waitFor(
      () => poller.nextReadInMs('vt_flight'),
      (ms) => ms !== undefined && ms > 1_000,
      { what: 'the follow-up read to finish' },
    );
    expect(sim.stats().statusReads).toBe(2);
  });

  it('tells when it stops following a task: finished, or gone from the store', async () => {
    const dropped: string[] = [];
    poller = new TaskPoller({
      tasks: store.tasks,
      upstream,
      logger: createLogger('silent'),
      minIntervalMs: 10,
      maxIntervalMs: 10,
      concurrency: 4,
      onUnwatch: (id) => dropped.push(id),
    });
    const upstreamTaskId = await createUpstreamTask();
    await store.tasks.insert(queuedTask({ id: 'vt_done', upstreamTaskId }, Date.now()));
    poller.watch('vt_done');
    poller.watch('vt_missing'); // never stored
    await waitFor(
      () => dropped,
      (ids) => ids.includes('vt_missing'),
      { what: 'the missing task to be dropped' },
    );
    expect(dropped).toEqual(['vt_missing']);
    sim.control.complete(upstreamTaskId);
    await waitFor(
      () => dropped,
      (ids) => ids.includes('vt_done'),
      { what: 'the finished task to be dropped' },
    );
    expect(poller.size).toBe(0);
  });

  it('pauses all reads for the Retry-After of a 429', async () => {
    poller = new TaskPoller({
      tasks: store.tasks,
      upstream,
      logger: createLogger('silent'),
      minIntervalMs: 10,
      maxIntervalMs: 10,
      concurrency: 4,
    });
    const ids = [await createUpstreamTask(), await createUpstreamTask()];
    sim.faults.add({ route: 'status', status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    await store.tasks.insert(queuedTask({ id: 'vt_a', upstreamTaskId: ids[0]! }, Date.now()));
    await store.tasks.insert(queuedTask({ id: 'vt_b', upstreamTaskId: ids[1]! }, Date.now()));
    // Both timers are set before the 429 arrives: the one not yet fired must wait too.
    poller.watch('vt_a');
    poller.watch('vt_b');
    await waitFor(
      () => sim.stats().statusReads,
      (n) => n >= 1,
      { what: 'the rate-limited read' },
    );
    await waitFor(
      () => sim.stats().statusReads,
      (n) => n >= 3,
      { what: 'reads after the pause', timeoutMs: 5000 },
    );
    // With 10 ms intervals, ~100 reads would have happened in the second without the pause.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sim.stats().statusReads).toBeLessThan(8);
  });
  it('never reads a task again once unwatched while its read was in flight (another replica took it)', async () => {
    poller = new TaskPoller({
      tasks: store.tasks,
      upstream,
      logger: createLogger('silent'),
      minIntervalMs: 10,
      maxIntervalMs: 10,
      concurrency: 4,
    });
    const taken = await createUpstreamTask();
    const witness = await createUpstreamTask();
    await store.tasks.insert(queuedTask({ id: 'vt_taken', upstreamTaskId: taken }, Date.now()));
    await store.tasks.insert(queuedTask({ id: 'vt_witness', upstreamTaskId: witness }, Date.now()));
    const reads = (id: string) => sim.stats().statusReadsByTask[id] ?? 0;
    sim.faults.add({ route: 'status', delayMs: 100 }); // holds the first read in flight
    poller.watch('vt_taken');
    await waitFor(
      () => reads(taken),
      (n) => n === 1,
      { what: 'the read in flight' },
    );
    poller.unwatch('vt_taken');
    // The witness, on the same 10 ms schedule, shows time passing: 30 of its reads take at least
    // 290 ms, well past the end of the held read, and the other task is not read once more.
    poller.watch('vt_witness');
    await waitFor(
      () => reads(witness),
      (n) => n >= 30,
      { what: 'thirty witness reads' },
    );
    expect(reads(taken)).toBe(1);
    expect(poller.isWatching('vt_taken')).toBe(false);
  });
});
