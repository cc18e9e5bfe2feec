import { GENERATE, KEYS, startHarness, TASK_FIELDS, type Harness } from '../support/gateway-harness';
import { jpegDataUrl, pngDataUrl } from '../support/images';

/**
 * The GraphQL contract end to end: GraphQL over HTTP -> gateway -> real HTTP client ->
 * embedded simulator on loopback, for every mode, every class of failure and ownership.
 */
describe('generateVideo over HTTP against the simulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    h.simulator.faults.clear();
  });

  const generate = (input: Record<string, unknown>, key: string = KEYS.alice) => h.gql(GENERATE, { input }, key);

  it.each([
    [
      'TEXT_TO_VIDEO',
      { textToVideo: { prompt: 'a fox running through snow' } },
      'SPARK_DANCE_V1_0_LITE_T2V',
      'RATIO_16_9',
      [],
    ],
    [
      'FIRST_FRAME',
      { firstFrame: { image: pngDataUrl(640, 480), prompt: 'the cat waves' } },
      'SPARK_DANCE_V1_0_LITE_I2V',
      'ADAPTIVE',
      ['FIRST_FRAME'],
    ],
    [
      'FIRST_LAST_FRAME',
      { firstLastFrame: { firstFrame: pngDataUrl(800, 600), lastFrame: 'https://example.com/last.png' } },
      'SPARK_DANCE_V1_0_LITE_I2V',
      'ADAPTIVE',
      ['FIRST_FRAME', 'LAST_FRAME'],
    ],
    [
      'REFERENCE_IMAGES',
      { referenceImages: { images: [jpegDataUrl(1024, 768), pngDataUrl(512, 512)], prompt: 'these two meet' } },
      'SPARK_DANCE_V1_0_LITE_I2V',
      'RATIO_16_9',
      ['REFERENCE_IMAGE', 'REFERENCE_IMAGE'],
    ],
  ])(
    '%s: submitted, then followed to SUCCEEDED with video, usage and cost',
    async (mode, input, model, ratio, roles) => {
      const creates = h.simulator.stats().creates;
      const result = await generate(input as Record<string, unknown>);
      expect(result.errors).toBeUndefined();
      const outcome = result.data!.generateVideo;
      expect(outcome.__typename).toBe('GenerateVideoSuccess');
      expect(outcome.replayed).toBe(false);
      const task = outcome.task;
      expect(task).toMatchObject({
        mode,
        model,
        status: 'QUEUED',
        revision: 2,
        videos: [],
        usage: null,
        error: null,
        finishedAt: null,
      });
      expect(task.id).toMatch(/^vt_/);
      expect(task.options).toMatchObject({
        resolution: 'P720',
        ratio,
        durationSeconds: 5,
        frames: null,
        seed: -1,
        serviceTier: 'DEFAULT',
        executionExpiresAfter: 172800,
      });
      expect(task.images.map((i: { role: string }) => i.role)).toEqual(roles);
      expect(Date.parse(task.expiresAt) - Date.parse(task.createdAt)).toBe(172800 * 1000);
      expect(h.simulator.stats().creates).toBe(creates + 1);

      const done = await h.waitForStatus(task.id, ['SUCCEEDED']);
      expect(done.revision).toBeGreaterThan(task.revision);
      expect(done.videos).toHaveLength(1);
      expect(done.videos[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//);
      expect(done.videos[0].fps).toBe(24);
      expect(done.usage.costUsd).toMatch(/^\d+(\.\d+)?$/);
      expect(Number(done.usage.costUsd)).toBeGreaterThan(0);
      expect(done.usage.totalTokens).toBe(done.usage.inputTokens + done.usage.outputTokens);
      expect(done.finishedAt).not.toBeNull();
      expect(done.lastFrameUrl).toBeNull();
    },
  );

  it('keeps image facts but never the base64 payload', async () => {
    const image = pngDataUrl(640, 480);
    const result = await generate({ firstFrame: { image } });
    const task = result.data!.generateVideo.task;
    expect(task.images[0]).toMatchObject({
      role: 'FIRST_FRAME',
      url: null,
      mimeType: 'image/png',
      width: 640,
      height: 480,
    });
    expect(task.images[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(result)).not.toContain(image.slice(30, 80));
    const https = await generate({ firstFrame: { image: 'https://example.com/cat.webp' } });
    expect(https.data!.generateVideo.task.images[0]).toMatchObject({
      url: 'https://example.com/cat.webp',
      width: null,
    });
  });

  it('returns the last frame when asked, and honours frames over duration', async () => {
    const result = await generate({
      textToVideo: {
        prompt: 'waves',
        options: { returnLastFrame: true, frames: 57, duration: 3, resolution: 'P480', seed: 4294967295 },
      },
    });
    const outcome = result.data!.generateVideo;
    expect(outcome.__typename).toBe('GenerateVideoSuccess');
    expect(outcome.task.options).toMatchObject({
      frames: 57,
      durationSeconds: 57 / 24,
      resolution: 'P480',
      seed: 4294967295,
      returnLastFrame: true,
    });
    expect(outcome.warnings.join(' ')).toMatch(/duration/i);
    const done = await h.waitForStatus(outcome.task.id, ['SUCCEEDED']);
    expect(done.lastFrameUrl).toMatch(/\.png$/);
  });

  it('collects every validation issue, typed, and sends nothing upstream', async () => {
    const creates = h.simulator.stats().creates;
    const result = await generate({
      referenceImages: {
        images: [pngDataUrl(200, 200), 'ftp://example.com/a.png', 'data:image/PNG;base64,AAAA', pngDataUrl(3000, 1000)],
        options: {
          resolution: 'P1080',
          ratio: 'ADAPTIVE',
          duration: 13,
          frames: 30,
          seed: -2,
          executionExpiresAfter: 10,
          cameraFixed: true,
        },
      },
    });
    const outcome = result.data!.generateVideo;
    expect(outcome.__typename).toBe('InvalidInputError');
    const codes = outcome.issues.map((i: { code: string; path: string[] }) => `${i.path.join('.')}:${i.code}`).sort();
    expect(codes).toEqual(
      [
        'images.0:INVALID_IMAGE_DIMENSIONS',
        'images.1:INVALID_IMAGE_URL',
        'images.2:INVALID_IMAGE_URL',
        'images.3:INVALID_IMAGE_ASPECT_RATIO',
        'options.cameraFixed:UNSUPPORTED_OPTION',
        'options.duration:INVALID_DURATION',
        'options.executionExpiresAfter:INVALID_EXECUTION_EXPIRES_AFTER',
        'options.frames:INVALID_FRAMES',
        'options.ratio:INVALID_RATIO',
        'options.resolution:INVALID_RESOLUTION',
        'options.seed:INVALID_SEED',
      ].sort(),
    );
    expect(h.simulator.stats().creates).toBe(creates);
  });

  it('refuses a blank text prompt and too many reference images', async () => {
    const blank = await generate({ textToVideo: { prompt: '   ' } });
    expect(blank.data!.generateVideo.issues).toEqual([
      expect.objectContaining({ path: ['prompt'], code: 'MISSING_PROMPT' }),
    ]);
    const five = await generate({
      referenceImages: { images: Array.from({ length: 5 }, () => 'https://example.com/a.png') },
    });
    expect(five.data!.generateVideo.issues).toEqual([
      expect.objectContaining({ path: ['images'], code: 'INVALID_IMAGE_COUNT' }),
    ]);
  });

  it('accepts a long prompt with a warning', async () => {
    const result = await generate({ textToVideo: { prompt: 'x'.repeat(501) } });
    expect(result.data!.generateVideo.__typename).toBe('GenerateVideoSuccess');
    expect(result.data!.generateVideo.warnings.join(' ')).toMatch(/500/);
  });

  it('enforces @oneOf in GraphQL validation: zero or two modes are refused before any resolver', async () => {
    const creates = h.simulator.stats().creates;
    const two = await generate({ textToVideo: { prompt: 'a' }, firstFrame: { image: 'https://example.com/a.png' } });
    expect(two.status).toBe(400);
    expect(two.errors?.[0]?.message).toMatch(/exactly one key/i);
    const none = await generate({});
    expect(none.status).toBe(400);
    const inline = await h.gql(
      `mutation { generateVideo(input: { textToVideo: { prompt: "a" }, firstFrame: { image: "https://x.y/a.png" } }) { __typename } }`,
    );
    expect(inline.status).toBe(400);
    expect(inline.errors?.[0]?.message).toMatch(/exactly one/i);
    expect(h.simulator.stats().creates).toBe(creates);
  });

  describe('upstream failures at create', () => {
    // Eight failing creates in a row would open the client's circuit breaker (5 consecutive
    // transient failures) and fail the tests after these; a success after each keeps it closed.
    afterEach(async () => {
      h.simulator.faults.clear();
      expect(
        (await generate({ textToVideo: { prompt: 'breaker reset' } }, KEYS.bob)).data!.generateVideo.__typename,
      ).toBe('GenerateVideoSuccess');
    });

    it('4xx with a documented code -> UpstreamError, not retryable, with the upstream code', async () => {
      h.simulator.faults.add({ route: 'create', status: 400, errorCode: '003004003' });
      const creates = h.simulator.stats().creates;
      const outcome = (await generate({ textToVideo: { prompt: 'a' } })).data!.generateVideo;
      expect(outcome).toMatchObject({
        __typename: 'UpstreamError',
        code: 'UPSTREAM_INVALID_RESOLUTION',
        upstreamCode: '003004003',
        retryable: false,
      });
      expect(h.simulator.stats().creates).toBe(creates + 1);
    });

    it('5xx -> UpstreamError retryable, and the create is not repeated', async () => {
      h.simulator.faults.add({ route: 'create', status: 500, errorCode: '003004099' });
      const creates = h.simulator.stats().creates;
      const outcome = (await generate({ textToVideo: { prompt: 'a' } })).data!.generateVideo;
      expect(outcome).toMatchObject({ __typename: 'UpstreamError', upstreamCode: '003004099', retryable: true });
      expect(h.simulator.stats().creates).toBe(creates + 1);
    });

    it('429 -> RateLimitedError with the Retry-After seconds', async () => {
      h.simulator.faults.add({ route: 'create', status: 429, retryAfterSeconds: 17 });
      const outcome = (await generate({ textToVideo: { prompt: 'a' } })).data!.generateVideo;
      expect(outcome).toMatchObject({ __typename: 'RateLimitedError', retryAfterSeconds: 17 });
    });

    it('timeout -> UpstreamError UPSTREAM_TIMEOUT, not retryable as such: it may have been accepted', async () => {
      h.simulator.faults.add({ route: 'create', delayMs: 3000 });
      const outcome = (await generate({ textToVideo: { prompt: 'a' } })).data!.generateVideo;
      expect(outcome).toMatchObject({ __typename: 'UpstreamError', code: 'UPSTREAM_TIMEOUT', retryable: false });
      expect(outcome.message).toMatch(/may have accepted.*idempotencyKey/);
    });

    it('an unexplained 502 -> not retryable as such (a proxy may have cut off an accepted create)', async () => {
      h.simulator.faults.add({ route: 'create', status: 502, body: '<html>bad gateway</html>' });
      const outcome = (await generate({ textToVideo: { prompt: 'a' } })).data!.generateVideo;
      expect(outcome).toMatchObject({ __typename: 'UpstreamError', retryable: false });
    });

    it('a 503 -> retryable (the upstream refused it)', async () => {
      h.simulator.faults.add({ route: 'create', status: 503 });
      const outcome = (await generate({ textToVideo: { prompt: 'a' } })).data!.generateVideo;
      expect(outcome).toMatchObject({ __typename: 'UpstreamError', retryable: true });
    });

    it('a malformed 2xx body -> UpstreamError UPSTREAM_MALFORMED_RESPONSE', async () => {
      h.simulator.faults.add({ route: 'create', status: 200, malformed: true });
      const outcome = (await generate({ textToVideo: { prompt: 'a' } })).data!.generateVideo;
      expect(outcome).toMatchObject({ __typename: 'UpstreamError', code: 'UPSTREAM_MALFORMED_RESPONSE' });
    });

    it('a connection dropped after sending -> UpstreamError UPSTREAM_UNAVAILABLE, not retryable as such', async () => {
      h.simulator.faults.add({ route: 'create', dropConnection: true });
      const outcome = (await generate({ textToVideo: { prompt: 'a' } })).data!.generateVideo;
      expect(outcome).toMatchObject({ __typename: 'UpstreamError', code: 'UPSTREAM_UNAVAILABLE', retryable: false });
    });
  });

  describe('tasks that do not succeed', () => {
    it('a failed generation ends FAILED with the mapped error', async () => {
      const outcome = (await generate({ textToVideo: { prompt: 'break please [sim:fail]' } })).data!.generateVideo;
      const done = await h.waitForStatus(outcome.task.id, ['FAILED']);
      expect(done.error).toMatchObject({
        code: 'UPSTREAM_GENERATION_FAILED',
        upstreamCode: '003004095',
        retryable: true,
      });
      expect(done.usage).toBeNull();
      expect(done.finishedAt).not.toBeNull();
    });

    it('an upstream-expired task ends EXPIRED', async () => {
      const outcome = (await generate({ firstFrame: { image: 'https://example.com/a.png', prompt: '[sim:expire]' } }))
        .data!.generateVideo;
      const done = await h.waitForStatus(outcome.task.id, ['EXPIRED']);
      expect(done.error).toMatchObject({ code: 'TASK_EXPIRED' });
    });
  });

  describe('identity and ownership', () => {
    it('refuses a missing or wrong key with 401 UNAUTHENTICATED', async () => {
      for (const key of [null, 'wrong-key']) {
        const result = await h.gql('{ nearestFrameCount(seconds: 2) { frames } }', undefined, key);
        expect(result.status).toBe(401);
        expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
    });

    it("returns null for another client's task, by videoTask and by node", async () => {
      const task = (await generate({ textToVideo: { prompt: 'mine' } })).data!.generateVideo.task;
      const query = `query($id: ID!) { videoTask(id: $id) { id } node(id: $id) { id ... on VideoTask { status } } }`;
      const mine = await h.gql(query, { id: task.id }, KEYS.alice);
      expect(mine.data).toEqual({ videoTask: { id: task.id }, node: { id: task.id, status: expect.any(String) } });
      const theirs = await h.gql(query, { id: task.id }, KEYS.bob);
      expect(theirs.data).toEqual({ videoTask: null, node: null });
      const unknown = await h.gql(query, { id: 'vt_nope' }, KEYS.alice);
      expect(unknown.data).toEqual({ videoTask: null, node: null });
    });
  });

  it('nearestFrameCount follows the docs example and refuses negative seconds', async () => {
    const result = await h.gql(
      '{ a: nearestFrameCount(seconds: 2.4) { frames durationSeconds } b: nearestFrameCount(seconds: 100) { frames } }',
    );
    expect(result.data).toEqual({ a: { frames: 57, durationSeconds: 2.375 }, b: { frames: 289 } });
    const bad = await h.gql('{ nearestFrameCount(seconds: -1) { frames } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('serves /healthz and /readyz', async () => {
    const base = h.gateway.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('exposes every VideoTask field of the contract', async () => {
    const task = (await generate({ textToVideo: { prompt: 'fields' } })).data!.generateVideo.task;
    const fetched = await h.gql(`query($id: ID!) { videoTask(id: $id) { ${TASK_FIELDS} } }`, { id: task.id });
    expect(fetched.errors).toBeUndefined();
    expect(fetched.data!.videoTask.id).toBe(task.id);
  });
});
