import { sumDecimals } from '../../src/domain/decimal-sum';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process';
import { freePort } from '../support/free-port';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { waitFor } from '../support/wait-for';
import { subscribe, wsClient } from '../support/ws-client';

/**
 * Three gateway processes (the real entry point) on one PostgreSQL database and one upstream
 * simulator, behaving as one gateway: cross-replica subscriptions and callbacks, one poller per
 * task, a replica killed with tasks in flight, shared caps and rate, keyed single flight.
 */
const UPSTREAM_KEY = 'sim-upstream-key';
const CLIENT_KEYS = {
  alice: 'key-alice',
  bob: 'key-bob',
  carol: 'key-carol',
  dave: 'key-dave',
  erin: 'key-erin',
  ops: 'key-ops',
};
const TASK = 'id status revision upstreamTaskId usage { costUsd }';

interface Replica {
  name: string;
  process: GatewayProcess;
  url: string;
}

interface Body {
  data?: any;
  errors?: unknown[];
}

async function gql(replica: Replica, key: string, query: string, variables?: Record<string, unknown>): Promise<Body> {
  const response = await fetch(replica.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Body;
}

const GENERATE_KEYED = `mutation($input: GenerateVideoInput!, $key: String) {
  generateVideo(input: $input, idempotencyKey: $key) {
    __typename
    ... on GenerateVideoSuccess { replayed task { id upstreamTaskId } }
    ... on RateLimitedError { code retryAfterSeconds }
    ... on UpstreamError { code message }
  }
}`;

describe('three replicas on one PostgreSQL', () => {
  let database: TestDatabase;
  let sim: RunningSimulator;
  let replicas: Replica[] = [];
  const text = (prompt: string) => ({ textToVideo: { prompt } });
  const status = (replica: Replica, key: string, id: string) =>
    gql(replica, key, `query($id: ID!) { videoTask(id: $id) { ${TASK} } }`, { id });
  const submit = async (replica: Replica, key: string, prompt: string) => {
    const body = await gql(replica, key, GENERATE_KEYED, { input: text(prompt) });
    return body.data?.generateVideo as {
      __typename: string;
      code?: string;
      task?: { id: string; upstreamTaskId: string };
    };
  };

  beforeAll(async () => {
    database = await createTestDatabase('gw_replicas');
    // Tasks stay queued until the test completes them through the control API.
    sim = await startSimulator({ apiKey: UPSTREAM_KEY, queueMs: 600_000, runMs: 600_000 });
    const ports = [await freePort(), await freePort(), await freePort()];
    const keys = Object.entries(CLIENT_KEYS)
      .map(([client, key]) => `${key}:${client}${client === 'ops' ? ':admin' : ''}`)
      .join(',');
    const env = {
      STORE_URL: database.url,
      // Shared caches, as replicas would run them.
      CACHE_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      SPARK_DANCE_API_KEY: UPSTREAM_KEY,
      SPARK_DANCE_BASE_URL: sim.url,
      GATEWAY_API_KEYS: keys,
      LOG_LEVEL: 'info',
      // Callbacks go to the third replica, as they would go to a load balancer.
      PUBLIC_BASE_URL: `http://127.0.0.1:${ports[2]}`,
      CALLBACK_SECRET: 'replica-test-callback-secret-0123456789',
      POLL_MIN_INTERVAL_MS: '200',
      POLL_MAX_INTERVAL_MS: '1000',
      POLL_CALLBACK_SAFETY_INTERVAL_MS: '600000',
      MAX_ACTIVE_TASKS_PER_CLIENT: '3',
      RATE_LIMIT_SUBMITS_PER_MINUTE: '5',
    };
    const processes = ports.map((port) => spawnGateway({ ...env, PORT: String(port) }));
    replicas = await Promise.all(
      processes.map(async (process, i) => ({
        name: 'ABC'[i]!,
        process,
        url: (await process.waitForLog((line) => line.msg === 'gateway listening', 60_000)).url as string,
      })),
    );
  }, 90_000);

  afterAll(async () => {
    for (const replica of replicas) replica.process.child.kill('SIGKILL');
    await Promise.all(replicas.map((replica) => replica.process.exited));
    await sim?.stop();
    await database?.drop();
  });

  it('streams a task created on one replica to subscribers on another, in revision order; a callback to a third reads it', async () => {
    const [a, b] = replicas as [Replica, Replica, Replica];
    const client = wsClient(b.url.replace(/^http/, 'ws'), `Bearer ${CLIENT_KEYS.alice}`);
    try {
      const mine = subscribe<{ myVideoTaskUpdates: { id: string; status: string; revision: number } }>(
        client,
        'subscription { myVideoTaskUpdates { id status revision } }',
      );
      const created = await submit(a, CLIENT_KEYS.alice, 'a fox crossing replicas');
      expect(created.__typename).toBe('GenerateVideoSuccess');
      const { id, upstreamTaskId } = created.task!;
      const one = subscribe<{ videoTaskUpdated: { status: string; revision: number } }>(
        client,
        'subscription($id: ID!) { videoTaskUpdated(id: $id) { status revision } }',
        { id },
      );
      await one.received(1);
      const completedAt = Date.now();
      sim.control.complete(upstreamTaskId);
      const events = (await one.completed).map((event) => event.videoTaskUpdated);
      // Callbacks are on (safety read a minute away): only the callback, routed from C to the
      // owning replica, can have made it finish this fast.
      expect(Date.now() - completedAt).toBeLessThan(5_000);
      expect(events[0]!.status).toBe('QUEUED');
      expect(events[events.length - 1]!.status).toBe('SUCCEEDED');
      const revisions = events.map((event) => event.revision);
      expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
      expect(new Set(revisions).size).toBe(revisions.length);

      const seen = (await mine.received(2)).map((event) => event.myVideoTaskUpdates).filter((task) => task.id === id);
      await waitFor(
        () => mine.events.map((event) => event.myVideoTaskUpdates).filter((task) => task.id === id),
        (list) => list.some((task) => task.status === 'SUCCEEDED'),
        { what: 'the end on myVideoTaskUpdates' },
      );
      const all = mine.events.map((event) => event.myVideoTaskUpdates).filter((task) => task.id === id);
      expect(all.map((task) => task.revision)).toEqual(
        [...new Set(all.map((task) => task.revision))].sort((x, y) => x - y),
      );
      expect(seen[0]!.status).toBe('QUEUED');
      // One poller for the task, whatever the number of replicas: an early read and the callback's.
      expect(sim.stats().statusReadsByTask[upstreamTaskId]).toBeLessThanOrEqual(3);
    } finally {
      await client.dispose();
    }
  });

  it('makes one upstream create for ten identical keyed submissions spread over the replicas', async () => {
    const before = sim.stats().creates;
    const input = text('one create however often it is sent');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        gql(replicas[i % 3]!, CLIENT_KEYS.bob, GENERATE_KEYED, { input, key: 'order-7' }).then(
          (body) => body.data?.generateVideo,
        ),
      ),
    );
    expect(sim.stats().creates - before).toBe(1);
    expect(results.every((result) => result.__typename === 'GenerateVideoSuccess')).toBe(true);
    expect(new Set(results.map((result) => result.task.id)).size).toBe(1);
    expect(results.filter((result) => result.replayed === false)).toHaveLength(1);
  });

  it('holds the per-client cap and the submission rate across replicas', async () => {
    const capped = await Promise.all(
      Array.from({ length: 6 }, (_, i) => submit(replicas[i % 3]!, CLIENT_KEYS.carol, `cap ${i}`)),
    );
    expect(capped.filter((result) => result.__typename === 'GenerateVideoSuccess')).toHaveLength(3);
    expect(capped.filter((result) => result.code === 'TOO_MANY_ACTIVE_TASKS')).toHaveLength(3);

    // Rate: 5 per minute for the gateway as a whole. Finish tasks as they come so the cap never bites.
    const outcomes: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const result = await submit(replicas[i % 3]!, CLIENT_KEYS.dave, `rate ${i}`);
      outcomes.push(result.code ?? result.__typename);
      if (result.task) sim.control.complete(result.task.upstreamTaskId);
      if (result.task) {
        await waitFor(
          () => status(replicas[0]!, CLIENT_KEYS.dave, result.task!.id),
          (body) => body.data?.videoTask?.status === 'SUCCEEDED',
          {
            what: `rate task ${i} to finish`,
          },
        );
      }
    }
    expect(outcomes.filter((outcome) => outcome === 'GenerateVideoSuccess')).toHaveLength(5);
    expect(outcomes.slice(5)).toEqual(['SUBMIT_RATE_LIMITED', 'SUBMIT_RATE_LIMITED']);
  });

  it('finishes the tasks of a replica killed with -9 on the others within 15 s, counting each once', async () => {
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const tasks = [];
    for (let i = 0; i < 3; i += 1) tasks.push((await submit(a, CLIENT_KEYS.erin, `orphaned ${i}`)).task!);
    a.process.child.kill('SIGKILL');
    await a.process.exited;
    const killedAt = Date.now();
    for (const task of tasks) sim.control.complete(task.upstreamTaskId);
    const finished = await Promise.all(
      tasks.map((task) =>
        waitFor(
          () => status(b, CLIENT_KEYS.erin, task.id),
          (body) => body.data?.videoTask?.status === 'SUCCEEDED',
          { what: `task ${task.id} taken over`, timeoutMs: 20_000, intervalMs: 100 },
        ),
      ),
    );
    expect(Date.now() - killedAt).toBeLessThan(15_000);

    const report = await gql(
      c,
      CLIENT_KEYS.ops,
      `query($from: DateTime!, $to: DateTime!) { usageReport(from: $from, to: $to, granularity: TOTAL, clientId: "erin") {
        totals { tasks succeeded costUsd } } }`,
      { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() },
    );
    const costs = finished.map((body) => body.data.videoTask.usage.costUsd as string);
    expect(report.data?.usageReport.totals).toEqual({ tasks: 3, succeeded: 3, costUsd: sumDecimals(costs) });
  }, 40_000);
});
