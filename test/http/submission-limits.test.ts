import { GENERATE, KEYS, startHarness, type Harness } from '../support/gateway-harness';

const INPUT = { textToVideo: { prompt: 'a slow river' } };

/** Per-client and gateway-wide submission limits, answered with `RateLimitedError` before any upstream call. */
describe('submission rate per client', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { RATE_LIMIT_SUBMITS_PER_MINUTE: '3' } });
  });
  afterAll(() => h.stop());

  const generate = (apiKey: string, input: Record<string, unknown> = INPUT, key: string | null = null) =>
    h.gql(GENERATE, { input, key }, apiKey);

  it('refuses the fourth submission of a minute with an honest retryAfterSeconds; other clients are unaffected', async () => {
    // Invalid input and replays of a key cost nothing.
    expect((await generate(KEYS.alice, { textToVideo: { prompt: '' } })).data!.generateVideo.__typename).toBe(
      'InvalidInputError',
    );
    expect((await generate(KEYS.alice, INPUT, 'k1')).data!.generateVideo.__typename).toBe('GenerateVideoSuccess');
    expect((await generate(KEYS.alice, INPUT, 'k1')).data!.generateVideo.replayed).toBe(true);
    for (let i = 0; i < 2; i += 1)
      expect((await generate(KEYS.alice)).data!.generateVideo.__typename).toBe('GenerateVideoSuccess');

    const creates = h.simulator.stats().creates;
    const refused = (await generate(KEYS.alice)).data!.generateVideo;
    expect(refused).toMatchObject({ __typename: 'RateLimitedError', code: 'SUBMIT_RATE_LIMITED' });
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(h.simulator.stats().creates).toBe(creates);
    // A refused key is not spent either: after the window it can be used.
    expect((await generate(KEYS.alice, INPUT, 'k2')).data!.generateVideo.__typename).toBe('RateLimitedError');
    expect(await h.gateway.store.idempotency.get('alice', 'k2')).toBeUndefined();

    expect((await generate(KEYS.bob)).data!.generateVideo.__typename).toBe('GenerateVideoSuccess');
  });
});

describe('unfinished tasks per client and upstream', () => {
  let h: Harness;
  beforeAll(async () => {
    // Tasks stay queued upstream until a test finishes them through the simulator's control.
    h = await startHarness({
      env: {
        MAX_ACTIVE_TASKS_PER_CLIENT: '2',
        MAX_UPSTREAM_ACTIVE_TASKS: '3',
        POLL_MIN_INTERVAL_MS: '1000',
        POLL_MAX_INTERVAL_MS: '4000',
      },
      simulator: { queueMs: 600_000, runMs: 600_000 },
    });
  });
  afterAll(() => h.stop());

  const generate = (apiKey: string) => h.gql(GENERATE, { input: INPUT, key: null }, apiKey);
  const succeed = async (apiKey: string) => {
    const outcome = (await generate(apiKey)).data!.generateVideo;
    expect(outcome.__typename).toBe('GenerateVideoSuccess');
    return outcome.task as { id: string; upstreamTaskId: string };
  };

  it('caps one client, then the whole gateway, and frees a slot when a task finishes', async () => {
    const [first] = [await succeed(KEYS.alice), await succeed(KEYS.alice)];
    const creates = h.simulator.stats().creates;
    const tooMany = (await generate(KEYS.alice)).data!.generateVideo;
    expect(tooMany).toMatchObject({ __typename: 'RateLimitedError', code: 'TOO_MANY_ACTIVE_TASKS' });
    // The soonest a slot can free is the poller's next read of one of the tasks (<= the max interval).
    expect(tooMany.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(tooMany.retryAfterSeconds).toBeLessThanOrEqual(4);
    expect(h.simulator.stats().creates).toBe(creates);

    // Bob is not limited by Alice's tasks, until the upstream cap (3) is reached.
    await succeed(KEYS.bob);
    const full = (await generate(KEYS.admin)).data!.generateVideo;
    expect(full).toMatchObject({ __typename: 'RateLimitedError', code: 'UPSTREAM_AT_CAPACITY' });
    expect(h.simulator.stats().creates).toBe(creates + 1);

    // One of Alice's tasks finishes: her slot (and one upstream slot) frees once the gateway sees it.
    h.simulator.control.complete(first.upstreamTaskId);
    await h.waitForStatus(first.id, ['SUCCEEDED']);
    await succeed(KEYS.alice);
    expect((await generate(KEYS.admin)).data!.generateVideo.code).toBe('UPSTREAM_AT_CAPACITY');
  });
});

describe('a refused create', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: { MAX_ACTIVE_TASKS_PER_CLIENT: '1' },
      simulator: { queueMs: 600_000, runMs: 600_000 },
    });
  });
  afterAll(() => h.stop());

  it('holds its slot only while it runs', async () => {
    h.simulator.faults.add({ route: 'create', status: 400, errorCode: '003004003', times: 1 });
    expect((await h.gql(GENERATE, { input: INPUT }, KEYS.bob)).data!.generateVideo.__typename).toBe('UpstreamError');
    expect((await h.gql(GENERATE, { input: INPUT }, KEYS.bob)).data!.generateVideo.__typename).toBe(
      'GenerateVideoSuccess',
    );
    expect((await h.gql(GENERATE, { input: INPUT }, KEYS.bob)).data!.generateVideo.code).toBe('TOO_MANY_ACTIVE_TASKS');
  });
});

describe('unfinished-task caps under concurrency and restarts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      store: 'sqlite',
      env: { MAX_ACTIVE_TASKS_PER_CLIENT: '2' },
      simulator: { queueMs: 600_000, runMs: 600_000 },
    });
  });
  afterAll(() => h.stop());

  it('admits exactly the cap when submissions race, and counts stored tasks after a restart', async () => {
    // Slow creates: all six are in progress at once, holding reserved slots.
    h.simulator.faults.add({ route: 'create', delayMs: 200, times: 6 });
    const outcomes = (await Promise.all(Array.from({ length: 6 }, () => h.gql(GENERATE, { input: INPUT })))).map(
      (r) => r.data!.generateVideo,
    );
    expect(outcomes.filter((o) => o.__typename === 'GenerateVideoSuccess')).toHaveLength(2);
    expect(outcomes.filter((o) => o.code === 'TOO_MANY_ACTIVE_TASKS')).toHaveLength(4);

    await h.restartGateway();
    expect((await h.gql(GENERATE, { input: INPUT })).data!.generateVideo.code).toBe('TOO_MANY_ACTIVE_TASKS');
    expect((await h.gql(GENERATE, { input: INPUT }, KEYS.bob)).data!.generateVideo.__typename).toBe(
      'GenerateVideoSuccess',
    );
  });
});
