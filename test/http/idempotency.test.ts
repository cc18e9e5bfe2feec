import { GENERATE, KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { pngDataUrl } from '../support/images';
import { waitFor } from '../support/wait-for';

/**
 * Idempotent submission end to end: a key names one submission of one client; repeats (one
 * after another, or all at once) return that task and never create upstream again.
 */
describe('generateVideo with an idempotency key', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ store: 'sqlite' });
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    h.simulator.faults.clear();
  });

  const INPUT = { textToVideo: { prompt: 'a kite over the dunes', options: { resolution: 'P480', duration: 3 } } };
  const generate = (input: Record<string, unknown>, key: string | null, apiKey: string = KEYS.alice) =>
    h.gql(GENERATE, { input, key }, apiKey);
  const creates = () => h.simulator.stats().creates;

  it('returns the same task, replayed, without a second upstream create', async () => {
    const before = creates();
    const first = (await generate(INPUT, 'order-1')).data!.generateVideo;
    expect(first).toMatchObject({ __typename: 'GenerateVideoSuccess', replayed: false });
    const again = (await generate(INPUT, 'order-1')).data!.generateVideo;
    expect(again).toMatchObject({ __typename: 'GenerateVideoSuccess', replayed: true });
    expect(again.task.id).toBe(first.task.id);
    expect(creates()).toBe(before + 1);
  });

  it('treats spelled-out defaults as the same input', async () => {
    const first = (await generate(INPUT, 'order-defaults')).data!.generateVideo;
    const explicit = {
      textToVideo: { ...INPUT.textToVideo, options: { ...INPUT.textToVideo.options, watermark: false, seed: -1 } },
    };
    const again = (await generate(explicit, 'order-defaults')).data!.generateVideo;
    expect(again).toMatchObject({ __typename: 'GenerateVideoSuccess', replayed: true });
    expect(again.task.id).toBe(first.task.id);
  });

  it('returns the task as it is now, also once it finished', async () => {
    const first = (await generate(INPUT, 'order-finished')).data!.generateVideo;
    await h.waitForStatus(first.task.id, ['SUCCEEDED']);
    const again = (await generate(INPUT, 'order-finished')).data!.generateVideo;
    expect(again).toMatchObject({ replayed: true, task: { id: first.task.id, status: 'SUCCEEDED' } });
  });

  it('makes ten identical concurrent requests one upstream create', async () => {
    // The create is slow, so all ten arrive while the first is still creating.
    h.simulator.faults.add({ route: 'create', delayMs: 300, times: 10 });
    const before = creates();
    const results = await Promise.all(Array.from({ length: 10 }, () => generate(INPUT, 'order-burst')));
    const outcomes = results.map((r) => r.data!.generateVideo);
    expect(outcomes.every((o) => o.__typename === 'GenerateVideoSuccess')).toBe(true);
    expect(new Set(outcomes.map((o) => o.task.id)).size).toBe(1);
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
    expect(creates()).toBe(before + 1);
  });

  it('refuses the same key with another input, changing nothing', async () => {
    const first = (await generate(INPUT, 'order-2')).data!.generateVideo;
    const before = creates();
    const other = { textToVideo: { ...INPUT.textToVideo, prompt: 'a kite over the sea' } };
    const refused = (await generate(other, 'order-2')).data!.generateVideo;
    expect(refused.__typename).toBe('InvalidInputError');
    expect(refused.issues).toEqual([
      expect.objectContaining({ path: ['idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' }),
    ]);
    expect(creates()).toBe(before);
    // The original submission still stands under its key.
    expect((await generate(INPUT, 'order-2')).data!.generateVideo).toMatchObject({
      replayed: true,
      task: { id: first.task.id },
    });
  });

  it('refuses another input while the first submission with the key is still being created', async () => {
    h.simulator.faults.add({ route: 'create', delayMs: 300, times: 1 });
    const before = creates();
    const [first, second] = await Promise.all([
      generate(INPUT, 'order-race'),
      generate({ textToVideo: { prompt: 'something else entirely' } }, 'order-race'),
    ]);
    expect(first.data!.generateVideo.__typename).toBe('GenerateVideoSuccess');
    expect(second.data!.generateVideo.issues[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(creates()).toBe(before + 1);
  });

  it('scopes keys per client', async () => {
    const alices = (await generate(INPUT, 'order-shared')).data!.generateVideo;
    const bobs = (await generate(INPUT, 'order-shared', KEYS.bob)).data!.generateVideo;
    expect(bobs).toMatchObject({ __typename: 'GenerateVideoSuccess', replayed: false });
    expect(bobs.task.id).not.toBe(alices.task.id);
    // Bob's different input under the same key is his business, not a reuse of Alice's key.
    const bobsOther = (await generate({ textToVideo: { prompt: 'bob only' } }, 'order-shared-2', KEYS.bob)).data!
      .generateVideo;
    expect(bobsOther.__typename).toBe('GenerateVideoSuccess');
  });

  it('lets a create that failed with a retryable error be retried with the same key', async () => {
    h.simulator.faults.add({ route: 'create', status: 500, errorCode: '003004099', times: 1 });
    const before = creates();
    const failed = (await generate(INPUT, 'order-retry')).data!.generateVideo;
    expect(failed).toMatchObject({ __typename: 'UpstreamError', retryable: true });
    const retried = (await generate(INPUT, 'order-retry')).data!.generateVideo;
    expect(retried).toMatchObject({ __typename: 'GenerateVideoSuccess', replayed: false });
    expect(creates()).toBe(before + 2);
  });

  it('lets concurrent duplicates of a failing create share its failure (one upstream call)', async () => {
    h.simulator.faults.add({ route: 'create', status: 500, errorCode: '003004099', delayMs: 200, times: 1 });
    const before = creates();
    const results = await Promise.all(Array.from({ length: 5 }, () => generate(INPUT, 'order-fail-burst')));
    expect(results.map((r) => r.data!.generateVideo.__typename)).toEqual(Array(5).fill('UpstreamError'));
    expect(creates()).toBe(before + 1);
  });

  it('keeps the key of a create that timed out: the upstream may have accepted it, so a repeat never creates again', async () => {
    // The harness gives the upstream 2 s; this create answers after 2.5 s (and exists upstream).
    h.simulator.faults.add({ route: 'create', delayMs: 2_500, times: 1 });
    const before = creates();
    const first = (await generate(INPUT, 'order-timeout')).data!.generateVideo;
    expect(first).toMatchObject({
      __typename: 'UpstreamError',
      code: 'UPSTREAM_CREATE_OUTCOME_UNKNOWN',
      retryable: false,
    });
    const again = (await generate(INPUT, 'order-timeout')).data!.generateVideo;
    expect(again).toMatchObject({ __typename: 'UpstreamError', code: 'UPSTREAM_CREATE_OUTCOME_UNKNOWN' });
    expect(creates()).toBe(before + 1);
    // A new key is the caller's explicit decision to submit again.
    expect((await generate(INPUT, 'order-timeout-2')).data!.generateVideo.__typename).toBe('GenerateVideoSuccess');
  });

  it('keeps the key of a create answered by an unexplained 502 (a proxy may have cut off an accepted create)', async () => {
    h.simulator.faults.add({ route: 'create', status: 502, body: '<html>bad gateway</html>', times: 1 });
    const before = creates();
    expect((await generate(INPUT, 'order-502')).data!.generateVideo.code).toBe('UPSTREAM_CREATE_OUTCOME_UNKNOWN');
    expect((await generate(INPUT, 'order-502')).data!.generateVideo.code).toBe('UPSTREAM_CREATE_OUTCOME_UNKNOWN');
    expect(creates()).toBe(before + 1);
  });

  it('does not create again for the key of an interrupted submission (write-ahead record, no task)', async () => {
    await generate(INPUT, 'order-interrupted');
    // What a crash between the write-ahead record and storing the task leaves behind.
    const record = (await h.gateway.store.idempotency.get('alice', 'order-interrupted'))!;
    await h.gateway.store.idempotency.put({ ...record, state: 'pending', taskId: 'vt_never-stored' }, 60_000);
    const before = creates();
    const answer = (await generate(INPUT, 'order-interrupted')).data!.generateVideo;
    expect(answer).toMatchObject({
      __typename: 'UpstreamError',
      code: 'UPSTREAM_CREATE_OUTCOME_UNKNOWN',
      retryable: false,
    });
    expect(creates()).toBe(before);
  });

  it('refuses keys that are empty, too long or hold control characters, before anything else', async () => {
    const before = creates();
    for (const key of ['', 'k'.repeat(256), 'bad\nkey']) {
      const refused = (await generate(INPUT, key)).data!.generateVideo;
      expect(refused.__typename).toBe('InvalidInputError');
      expect(refused.issues.map((i: { code: string }) => i.code)).toEqual(['INVALID_IDEMPOTENCY_KEY']);
    }
    // Input issues and a bad key come back together.
    const both = (await generate({ textToVideo: { prompt: 'x', options: { duration: 99 } } }, '')).data!.generateVideo;
    expect(both.issues.map((i: { code: string }) => i.code).sort()).toEqual([
      'INVALID_DURATION',
      'INVALID_IDEMPOTENCY_KEY',
    ]);
    expect(creates()).toBe(before);
  });

  it('does not spend the key on invalid input', async () => {
    const invalid = (await generate({ textToVideo: { prompt: 'x', options: { duration: 99 } } }, 'order-invalid-first'))
      .data!.generateVideo;
    expect(invalid.__typename).toBe('InvalidInputError');
    const valid = (await generate(INPUT, 'order-invalid-first')).data!.generateVideo;
    expect(valid).toMatchObject({ __typename: 'GenerateVideoSuccess', replayed: false });
  });

  it('compares images by content', async () => {
    const input = { firstFrame: { image: pngDataUrl(640, 480), prompt: 'waves' } };
    const first = (await generate(input, 'order-image')).data!.generateVideo;
    expect((await generate(input, 'order-image')).data!.generateVideo).toMatchObject({
      replayed: true,
      task: { id: first.task.id },
    });
    const otherImage = { firstFrame: { image: pngDataUrl(640, 482), prompt: 'waves' } };
    expect((await generate(otherImage, 'order-image')).data!.generateVideo.issues[0].code).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
  });

  it('keeps keys across a restart', async () => {
    const first = (await generate(INPUT, 'order-restart')).data!.generateVideo;
    await h.restartGateway();
    const before = creates();
    expect((await generate(INPUT, 'order-restart')).data!.generateVideo).toMatchObject({
      replayed: true,
      task: { id: first.task.id },
    });
    expect(creates()).toBe(before);
  });
});

describe('idempotency keys expire', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { IDEMPOTENCY_TTL_SECONDS: '1' } });
  });
  afterAll(() => h.stop());

  it('names a new submission once the time to live is over', async () => {
    const input = { textToVideo: { prompt: 'short memory' } };
    const first = (await h.gql(GENERATE, { input, key: 'ttl' })).data!.generateVideo;
    await waitFor(
      () => h.gateway.store.idempotency.get('alice', 'ttl'),
      (record) => record === undefined,
      { what: 'the key to expire' },
    );
    const later = (await h.gql(GENERATE, { input, key: 'ttl' })).data!.generateVideo;
    expect(later).toMatchObject({ __typename: 'GenerateVideoSuccess', replayed: false });
    expect(later.task.id).not.toBe(first.task.id);
  });
});
