import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../src/simulator';
import { GENERATE } from './support/gateway-harness';
import { spawnGateway, type GatewayProcess } from './support/gateway-process';
import { waitFor } from './support/wait-for';
import { subscribe, wsClient } from './support/ws-client';

/** The real entry point in a child process: start-up, graceful SIGTERM, and a hard kill that loses nothing. */
describe('main.ts', () => {
  const dirs: string[] = [];
  const children: GatewayProcess[] = [];
  const tempStore = () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-main-'));
    dirs.push(dir);
    return `sqlite://${join(dir, 'gateway.sqlite')}`;
  };
  const start = (env: Record<string, string>) => {
    const gateway = spawnGateway({
      GATEWAY_API_KEYS: 'main-key:alice',
      LOG_LEVEL: 'info',
      POLL_MIN_INTERVAL_MS: '20',
      POLL_MAX_INTERVAL_MS: '100',
      ...env,
    });
    children.push(gateway);
    return gateway;
  };
  const urlOf = async (gateway: GatewayProcess) =>
    (await gateway.waitForLog((l) => l.msg === 'gateway listening')).url as string;
  const gql = async (url: string, query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer main-key' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: unknown[] };
  };

  afterAll(() => {
    for (const child of children) child.child.kill('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('runs on the embedded simulator without an API key, says so, and stops cleanly on SIGTERM', async () => {
    const gateway = start({ STORE_URL: tempStore(), SIMULATOR_QUEUE_MS: '10', SIMULATOR_RUN_MS: '20' });
    const url = await urlOf(gateway);
    expect(gateway.logs.some((l) => String(l.msg).includes('SIMULATED UPSTREAM'))).toBe(true);
    const submitted = await gql(url, GENERATE, { input: { textToVideo: { prompt: 'a paper boat' } } });
    const id = submitted.data.generateVideo.task.id as string;
    await waitFor(
      () => gql(url, 'query($id: ID!) { videoTask(id: $id) { status } }', { id }),
      (r) => r.data?.videoTask?.status === 'SUCCEEDED',
      { what: 'success' },
    );
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    expect(gateway.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'gateway stopped']));
  });

  it('refuses to start with an invalid configuration, naming the problem', async () => {
    const gateway = start({ PORT: 'eighty', STORE_URL: tempStore() });
    expect((await gateway.exited).code).toBe(1);
    expect(gateway.output()).toMatch(/PORT/);
  });

  describe('against a separate upstream (the simulator standing in for the real API)', () => {
    let sim: RunningSimulator;
    const upstreamKey = 'sk-upstream-secret-value';
    beforeAll(async () => {
      sim = await startSimulator({ apiKey: upstreamKey, queueMs: 60_000, runMs: 60_000 });
    });
    afterAll(() => sim.stop());

    it('loses no task across a hard kill (SIGKILL): a resubscribing client gets the end; the upstream key is never logged', async () => {
      const store = tempStore();
      const env = { STORE_URL: store, SPARK_DANCE_API_KEY: upstreamKey, SPARK_DANCE_BASE_URL: sim.url };
      const first = start(env);
      const url = await urlOf(first);
      const ids: string[] = [];
      const upstreamIds: string[] = [];
      for (const prompt of ['first', 'second']) {
        const task = (await gql(url, GENERATE, { input: { textToVideo: { prompt } } })).data.generateVideo.task;
        ids.push(task.id);
        upstreamIds.push(task.upstreamTaskId);
      }
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');

      const second = start(env);
      const secondUrl = await urlOf(second);
      expect((await second.waitForLog((l) => l.msg === 'poller started')).resumed).toBe(2);
      // A client that lost its socket with the old process simply resubscribes.
      const client = wsClient(secondUrl, 'Bearer main-key');
      try {
        const resubscribed = subscribe<{ videoTaskUpdated: { status: string } }>(
          client,
          'subscription($id: ID!) { videoTaskUpdated(id: $id) { status } }',
          { id: ids[0] },
        );
        await resubscribed.received(1);
        sim.control.complete(upstreamIds[0]!);
        sim.control.fail(upstreamIds[1]!);
        expect((await resubscribed.completed).map((e) => e.videoTaskUpdated.status)).toEqual(['QUEUED', 'SUCCEEDED']);
      } finally {
        await client.dispose();
      }
      const status = (id: string) => gql(secondUrl, 'query($id: ID!) { videoTask(id: $id) { status } }', { id });
      await waitFor(
        () => status(ids[1]!),
        (r) => r.data?.videoTask?.status === 'FAILED',
        { what: 'second task' },
      );
      second.child.kill('SIGTERM');
      await second.exited;
      expect(first.output() + second.output()).not.toContain(upstreamKey);
    });
  });
});
