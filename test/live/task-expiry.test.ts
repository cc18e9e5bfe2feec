import { VideoTaskStatus } from '../../src/domain/task-status';
import type { VideoTask } from '../../src/domain/video-task';
import { TaskPoller } from '../../src/live/task-poller';
import { createLogger } from '../../src/logger';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { openStore, type GatewayStore } from '../../src/store/open-store';
import { HttpUpstreamClient } from '../../src/upstream/http-upstream-client';
import { DEFAULT_T2V_OPTIONS, queuedTask } from '../support/fixtures';

/** A task still unfinished after `expiresAt` gets one last read, then EXPIRED (with a clock the test moves). */
describe('task poller expiry', () => {
  let sim: RunningSimulator;
  let store: GatewayStore;
  let poller: TaskPoller;
  let clock = Date.now();
  const changes: VideoTask[] = [];
  let onChange: (task: VideoTask) => void = () => undefined;

  beforeAll(async () => {
    sim = await startSimulator({ apiKey: 'k', queueMs: 60_000, runMs: 60_000 });
    store = await openStore('memory://');
    const upstream = new HttpUpstreamClient({
      baseUrl: sim.url,
      apiKey: 'k',
      createPath: '/v1/video/generations',
      statusPath: '/v1/video/generations/{id}',
      timeoutMs: 1000,
    });
    poller = new TaskPoller({
      tasks: store.tasks,
      upstream,
      logger: createLogger('silent'),
      minIntervalMs: 10,
      maxIntervalMs: 20,
      concurrency: 2,
      now: () => clock,
      onChange: (task) => {
        changes.push(task);
        onChange(task);
      },
    });
  });
  afterAll(async () => {
    await poller.stop();
    await store.close();
    await sim.stop();
  });

  it('expires a task the upstream never finished, after one more read', async () => {
    const created = await fetch(`${sim.url}/v1/video/generations`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'spark_dance_v1_0_lite_t2v',
        content: [{ type: 'text', text: 'never ends [sim:stall]' }],
      }),
    });
    const { id: upstreamTaskId } = (await created.json()) as { id: string };
    const task = queuedTask(
      {
        id: 'vt_expiring',
        upstreamTaskId,
        prompt: 'never ends',
        options: { ...DEFAULT_T2V_OPTIONS, executionExpiresAfter: 3600 },
        expiresAt: new Date(clock + 3600_000).toISOString(),
      },
      clock,
    );
    await store.tasks.insert(task);
    const expired = new Promise<VideoTask>((resolve) => {
      onChange = (changed) => {
        if (changed.status === VideoTaskStatus.EXPIRED) resolve(changed);
      };
    });
    clock += 3601_000; // past expiresAt
    const readsBefore = sim.stats().statusReads;
    poller.watch(task.id);
    const final = await expired;
    expect(final.error).toMatchObject({ code: 'TASK_EXPIRED', retryable: true });
    expect(final.finishedAt).toBe(new Date(clock).toISOString());
    expect(sim.stats().statusReads - readsBefore).toBe(1);
    expect(await store.tasks.listActive()).not.toContain(task.id);
  });
});
