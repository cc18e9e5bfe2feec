import { GenerationMode, ImageRole, VideoModel } from '../../src/domain/generation-mode';
import { AspectRatio } from '../../src/domain/generation-options';
import { VideoTaskStatus } from '../../src/domain/task-status';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import {
  HttpUpstreamClient,
  parseRetryAfter,
  type HttpUpstreamClientOptions,
} from '../../src/upstream/http-upstream-client';
import { UpstreamRequestError } from '../../src/upstream/upstream-error';
import { DEFAULT_T2V_OPTIONS, t2vGeneration } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { waitFor } from '../support/wait-for';

const KEY = 'upstream-test-key';

const t2v = t2vGeneration({ options: { ...DEFAULT_T2V_OPTIONS, returnLastFrame: true } });

async function rejection(promise: Promise<unknown>): Promise<UpstreamRequestError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamRequestError);
    return error as UpstreamRequestError;
  }
  throw new Error('expected the call to fail');
}

describe('HttpUpstreamClient against the simulator (real HTTP on loopback)', () => {
  let sim: RunningSimulator;
  let client: HttpUpstreamClient;
  const options = (overrides: Partial<HttpUpstreamClientOptions> = {}): HttpUpstreamClientOptions => ({
    baseUrl: sim.url,
    apiKey: KEY,
    createPath: '/v1/video/generations',
    statusPath: '/v1/video/generations/{id}',
    timeoutMs: 1000,
    statusRetry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50 },
    breaker: { consecutiveFailures: 100, halfOpenAfterMs: 1000 },
    ...overrides,
  });

  beforeAll(async () => {
    sim = await startSimulator({ apiKey: KEY, queueMs: 20, runMs: 40 });
    client = new HttpUpstreamClient(options());
  });
  afterAll(() => sim.stop());
  beforeEach(() => sim.faults.clear());

  it('creates a task and reads it to completion with video, last frame and usage', async () => {
    const created = await client.createTask(t2v);
    expect(created.upstreamTaskId).toEqual(expect.any(String));
    const done = await waitFor(
      () => client.getTask(created.upstreamTaskId),
      (s) => s.status === VideoTaskStatus.SUCCEEDED,
      { what: 'completion' },
    );
    expect(done.videos).toHaveLength(1);
    expect(done.videos[0]).toMatchObject({ fps: 24, resolution: '720p', ratio: '16:9' });
    expect(done.lastFrameUrl).toMatch(/\.png$/);
    expect(done.usage?.costUsd).toMatch(/^\d+\.\d+$/);
    expect(done.error).toBeNull();
  });

  it('sends image modes with roles and the i2v model', async () => {
    const created = await client.createTask({
      ...t2v,
      mode: GenerationMode.FIRST_LAST_FRAME,
      model: VideoModel.SPARK_DANCE_V1_0_LITE_I2V,
      prompt: null,
      options: { ...t2v.options, ratio: AspectRatio.ADAPTIVE },
      images: [
        {
          source: 'https://example.com/a.png',
          facts: {
            role: ImageRole.FIRST_FRAME,
            url: 'https://example.com/a.png',
            mimeType: null,
            width: null,
            height: null,
            sizeBytes: null,
            sha256: null,
          },
        },
        {
          source: 'https://example.com/b.png',
          facts: {
            role: ImageRole.LAST_FRAME,
            url: 'https://example.com/b.png',
            mimeType: null,
            width: null,
            height: null,
            sizeBytes: null,
            sha256: null,
          },
        },
      ],
    });
    expect(created.upstreamTaskId).toEqual(expect.any(String));
  });

  it('maps a 4xx with a documented code to a non-retryable rejection', async () => {
    sim.faults.add({ route: 'create', status: 400, errorCode: '003004005' });
    const error = await rejection(client.createTask(t2v));
    expect(error).toMatchObject({
      kind: 'rejected',
      code: 'UPSTREAM_INVALID_DURATION',
      upstreamCode: '003004005',
      httpStatus: 400,
      retryable: false,
    });
  });

  it('never retries a create, even on 5xx', async () => {
    sim.faults.add({ route: 'create', status: 503, body: { message: 'down for maintenance' }, times: 5 });
    const before = sim.stats().creates;
    const error = await rejection(client.createTask(t2v));
    expect(error).toMatchObject({
      kind: 'unavailable',
      code: 'UPSTREAM_SERVER_ERROR',
      httpStatus: 503,
      upstreamCode: null,
    });
    expect(error.retryable).toBe(true);
    expect(sim.stats().creates - before).toBe(1);
  });

  it('retries a status read on 5xx with backoff and then succeeds', async () => {
    const created = await client.createTask(t2v);
    sim.faults.add({ route: 'status', status: 500, times: 2 });
    const before = sim.stats().statusReads;
    const snapshot = await client.getTask(created.upstreamTaskId);
    expect(snapshot.upstreamTaskId).toBe(created.upstreamTaskId);
    expect(sim.stats().statusReads - before).toBe(3);
  });

  it('gives up on status reads after maxAttempts', async () => {
    const created = await client.createTask(t2v);
    sim.faults.add({ route: 'status', status: 502, times: 10 });
    const before = sim.stats().statusReads;
    const error = await rejection(client.getTask(created.upstreamTaskId));
    expect(error.kind).toBe('unavailable');
    expect(sim.stats().statusReads - before).toBe(4); // first try + 3 retries
  });

  it('reports 429 with the Retry-After seconds and does not retry it', async () => {
    sim.faults.add({ route: 'status', status: 429, retryAfterSeconds: 42 });
    const error = await rejection(client.getTask('whatever'));
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 42, retryable: true });
  });

  it('maps 404 to UPSTREAM_NOT_FOUND', async () => {
    const error = await rejection(client.getTask('no-such-task'));
    expect(error).toMatchObject({ kind: 'rejected', code: 'UPSTREAM_STATUS_CHECK_FAILED', httpStatus: 404 });
  });

  it('times out a slow answer', async () => {
    const quick = new HttpUpstreamClient(options({ timeoutMs: 100 }));
    sim.faults.add({ route: 'create', delayMs: 1000 });
    const error = await rejection(quick.createTask(t2v));
    expect(error).toMatchObject({ kind: 'unavailable', code: 'UPSTREAM_TIMEOUT', outcomeUnknown: true });
  });

  it('retries a timed-out status read, and counts timeouts towards opening the circuit', async () => {
    const quick = new HttpUpstreamClient(
      options({ timeoutMs: 100, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 60_000 } }),
    );
    const created = await quick.createTask(t2v);
    sim.faults.add({ route: 'status', delayMs: 400 });
    const before = sim.stats().statusReads;
    expect((await quick.getTask(created.upstreamTaskId)).upstreamTaskId).toBe(created.upstreamTaskId);
    expect(sim.stats().statusReads - before).toBe(2);
    sim.faults.add({ route: 'create', delayMs: 400, times: 3 });
    for (let i = 0; i < 3; i += 1)
      expect(await rejection(quick.createTask(t2v))).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    const creates = sim.stats().creates;
    expect(await rejection(quick.createTask(t2v))).toMatchObject({ kind: 'unavailable', code: 'UPSTREAM_UNAVAILABLE' });
    expect(sim.stats().creates).toBe(creates);
  });

  it('treats a non-JSON 2xx and a body without an id as malformed', async () => {
    sim.faults.add({ route: 'create', status: 200, malformed: true });
    expect(await rejection(client.createTask(t2v))).toMatchObject({
      kind: 'malformed',
      code: 'UPSTREAM_MALFORMED_RESPONSE',
    });
    sim.faults.add({ route: 'create', status: 200, body: { status: 'pending' } });
    expect(await rejection(client.createTask(t2v))).toMatchObject({ kind: 'malformed' });
  });

  it('reports a wrong API key as UPSTREAM_AUTH_FAILED without echoing the key', async () => {
    const wrong = new HttpUpstreamClient(options({ apiKey: 'not-the-key-123' }));
    const error = await rejection(wrong.createTask(t2v));
    expect(error).toMatchObject({ kind: 'rejected', code: 'UPSTREAM_AUTH_FAILED', httpStatus: 401 });
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('not-the-key-123');
  });

  it('reports an unreachable upstream as unavailable', async () => {
    const port = await freePort();
    const nowhere = new HttpUpstreamClient(
      options({
        baseUrl: `http://127.0.0.1:${port}`,
        statusRetry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
      }),
    );
    // Never connected: the upstream cannot have accepted it, so a retry is safe.
    expect(await rejection(nowhere.createTask(t2v))).toMatchObject({
      kind: 'unavailable',
      code: 'UPSTREAM_UNAVAILABLE',
      outcomeUnknown: false,
      retryable: true,
    });
  });

  it('opens the circuit after consecutive failures and fails fast', async () => {
    const fragile = new HttpUpstreamClient(options({ breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } }));
    sim.faults.add({ route: 'create', status: 500, times: 2 });
    await rejection(fragile.createTask(t2v));
    await rejection(fragile.createTask(t2v));
    const before = sim.stats().creates;
    const error = await rejection(fragile.createTask(t2v));
    expect(error).toMatchObject({ kind: 'unavailable', code: 'UPSTREAM_UNAVAILABLE' });
    expect(error.message).toMatch(/paused/);
    expect(sim.stats().creates).toBe(before);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, with a floor of one second', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter('0')).toBe(1);
    expect(parseRetryAfter(new Date(10_000 + 20_000).toUTCString(), 10_000)).toBe(20);
    expect(parseRetryAfter(null)).toBe(5);
    expect(parseRetryAfter('soon')).toBe(5);
  });
});
