import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../src/simulator';
import { GENERATE } from './support/gateway-harness';
import { freePort } from './support/free-port';
import { spawnGateway, type GatewayProcess } from './support/gateway-process';
import { waitFor } from './support/wait-for';

const CREATES = 8;
const UPSTREAM_KEY = 'sk-upstream-crash-test';

/**
 * `kill -9` of the gateway while creates are in flight (accepted, and billed, upstream after
 * the process died): after a restart every upstream task ends up stored under the id its
 * write-ahead record gave it, adopted from the upstream's callback, and counted once.
 */
describe('main.ts killed during in-flight creates', () => {
  let sim: RunningSimulator;
  let dir: string;
  const children: GatewayProcess[] = [];
  beforeAll(async () => {
    // Tasks move only by hand (after the restart), so no callback is lost to the dead process.
    sim = await startSimulator({ apiKey: UPSTREAM_KEY, queueMs: 600_000, runMs: 600_000 });
    dir = mkdtempSync(join(tmpdir(), 'gateway-crash-'));
  });
  afterAll(async () => {
    for (const child of children) child.child.kill('SIGKILL');
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every upstream create after a restart, each counted once in usageReport', async () => {
    const port = await freePort();
    const env = {
      GATEWAY_API_KEYS: 'crash-key:alice,ops-key:ops:admin',
      LOG_LEVEL: 'info',
      PORT: String(port),
      STORE_URL: `sqlite://${join(dir, 'gateway.sqlite')}`,
      SPARK_DANCE_API_KEY: UPSTREAM_KEY,
      SPARK_DANCE_BASE_URL: sim.url,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      CALLBACK_SECRET: 'a-crash-test-secret-of-at-least-32-characters',
      POLL_MIN_INTERVAL_MS: '200',
      POLL_MAX_INTERVAL_MS: '1000',
      // A SUBMITTING task becomes OUTCOME_UNKNOWN once older than a create can take (this + 5 s):
      // another replica may still be waiting for its answer before that.
      SPARK_DANCE_TIMEOUT_MS: '2000',
    };
    const start = async () => {
      const gateway = spawnGateway(env);
      children.push(gateway);
      return { gateway, url: (await gateway.waitForLog((l) => l.msg === 'gateway listening', 60_000)).url as string };
    };
    const gql = async (url: string, query: string, variables: Record<string, unknown> = {}, key = 'crash-key') => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: any; errors?: unknown[] };
    };

    const first = await start();
    // Every create is held 3 s upstream before it is accepted: the gateway dies before any answer.
    sim.faults.add({ route: 'create', delayMs: 3_000, times: CREATES });
    const inFlight = Array.from({ length: CREATES }, (_, i) =>
      gql(first.url, GENERATE, { input: { textToVideo: { prompt: `crash ${i}` } } }).catch(() => undefined),
    );
    await waitFor(
      () => sim.stats().creates,
      (n) => n >= CREATES,
      { what: 'every create to reach the upstream' },
    );
    first.gateway.child.kill('SIGKILL');
    expect((await first.gateway.exited).signal).toBe('SIGKILL');
    await Promise.all(inFlight);
    const upstreamIds = await waitFor(
      () => sim.control.taskIds(),
      (ids) => ids.length === CREATES,
      { what: 'the upstream to accept them all' },
    );

    const second = await start();
    const recovered = await second.gateway.waitForLog(
      (l) => l.msg === 'creates interrupted by a stop: outcome unknown until a callback resolves them',
    );
    expect(recovered.taskIds).toHaveLength(CREATES);
    const TASKS = 'query { videoTasks(first: 100) { edges { node { id status upstreamTaskId } } } }';
    type Node = { id: string; status: string; upstreamTaskId: string | null };
    const nodes = async () =>
      ((await gql(second.url, TASKS)).data.videoTasks.edges as Array<{ node: Node }>).map((e) => e.node);
    const unknown = await nodes();
    expect(unknown.map((n) => [n.status, n.upstreamTaskId])).toEqual(Array(CREATES).fill(['OUTCOME_UNKNOWN', null]));
    const unreconciled = await gql(second.url, 'query { unreconciledCreates { taskId } }', {}, 'ops-key');
    expect(unreconciled.data.unreconciledCreates).toHaveLength(CREATES);

    // The upstream starts them: each start is a callback naming the upstream task.
    const startedAt = Date.now();
    for (const id of upstreamIds) sim.control.setStatus(id, 'processing');
    await waitFor(nodes, (all) => all.every((n) => n.status === 'RUNNING'), { what: 'every task adopted' });
    const adoptedMs = Date.now() - startedAt;
    for (const id of upstreamIds) sim.control.complete(id);
    const done = await waitFor(nodes, (all) => all.every((n) => n.status === 'SUCCEEDED'), {
      what: 'every task finished',
    });
    const stored = done.length;
    console.log(
      `kill -9 during ${CREATES} creates: ${sim.control.taskIds().length} upstream creates, ${stored} stored tasks, ` +
        `all adopted ${(adoptedMs / 1000).toFixed(2)} s after their first callback`,
    );
    expect(done.map((n) => n.upstreamTaskId).sort()).toEqual([...upstreamIds].sort());
    expect(new Set(done.map((n) => n.id)).size).toBe(CREATES);

    const range = {
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
    };
    const usage = await gql(
      second.url,
      `query($from: DateTime!, $to: DateTime!) { usageReport(from: $from, to: $to, granularity: TOTAL) { totals { tasks succeeded } unreconciled { creates } } }`,
      range,
    );
    expect(usage.data.usageReport).toEqual({
      totals: { tasks: CREATES, succeeded: CREATES },
      unreconciled: { creates: 0 },
    });
    expect(
      (await gql(second.url, 'query { unreconciledCreates { taskId } }', {}, 'ops-key')).data.unreconciledCreates,
    ).toEqual([]);
    second.gateway.child.kill('SIGTERM');
    await second.gateway.exited;
  }, 90_000);
});
