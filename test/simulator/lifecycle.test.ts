import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { admin, client, i2v, image, manualClock, t2v, waitFor } from './helpers';

const KEY = 'lifecycle-key';

describe('simulator task lifecycle (clock moved by hand)', () => {
  const clock = manualClock();
  let sim: RunningSimulator;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    sim = await startSimulator({ apiKey: KEY, queueMs: 1000, runMs: 4000, now: clock.now });
    api = client(sim, KEY);
  });
  afterAll(() => sim.stop());

  it('answers a create with id, pending, created_at and model', async () => {
    const created = await api.create(t2v());
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.any(String),
      status: 'pending',
      created_at: Math.floor(clock.now() / 1000),
      model: 'spark_dance_v1_0_lite_t2v',
    });
  });

  it('goes pending -> processing -> completed, with updated_at at each change and output only at the end', async () => {
    const createdAt = clock.now();
    const id = await api.createId(t2v({ resolution: '480p', ratio: '9:16', duration: 3 }));
    const pending = await api.get(id);
    expect(pending.body).toMatchObject({
      id,
      status: 'pending',
      created_at: Math.floor(createdAt / 1000),
      updated_at: Math.floor(createdAt / 1000),
    });
    expect(pending.body).not.toHaveProperty('output');
    expect(pending.body).not.toHaveProperty('usage');
    expect(pending.body).not.toHaveProperty('error');

    clock.advance(1000);
    const processing = await api.get(id);
    expect(processing.body).toMatchObject({ status: 'processing', updated_at: Math.floor((createdAt + 1000) / 1000) });
    expect(processing.body).not.toHaveProperty('output');

    clock.advance(3999);
    expect((await api.get(id)).body.status).toBe('processing');
    clock.advance(1);
    const done = await api.get(id);
    expect(done.body).toMatchObject({ status: 'completed', updated_at: Math.floor((createdAt + 5000) / 1000) });
    expect(done.body.output).toEqual([
      {
        content: [
          {
            type: 'video',
            url: `${sim.url}/files/${id}.mp4`,
            size: expect.any(Number),
            jobId: expect.any(String),
            duration: 3,
            format: 'mp4',
            resolution: '480p',
            ratio: '9:16',
            fps: 24,
          },
        ],
      },
    ]);
    expect(Number.isInteger(done.body.output[0].content[0].size)).toBe(true);
    expect(done.body.usage).toMatchObject({ generated_videos: 1, discount: 0 });
    expect(done.body).not.toHaveProperty('error');
  });

  it('adds the last frame png when return_last_frame is true, and serves both files', async () => {
    const id = await api.createId(t2v({ return_last_frame: true }));
    expect((await fetch(`${sim.url}/files/${id}.mp4`)).status).toBe(404); // not produced yet
    clock.advance(5000);
    const done = await api.get(id);
    const [video, last] = done.body.output[0].content;
    expect(last).toEqual({ type: 'image', url: `${sim.url}/files/${id}-last.png` });
    const mp4 = await fetch(video.url);
    expect(mp4.status).toBe(200);
    expect(mp4.headers.get('content-type')).toBe('video/mp4');
    expect((await mp4.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const png = await fetch(last.url);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString('latin1'),
    ).toBe('PNG');
  });

  it('has no last frame item when it was not asked for', async () => {
    const id = await api.createId(t2v());
    clock.advance(5000);
    const done = await api.get(id);
    expect(done.body.output[0].content).toHaveLength(1);
    expect((await fetch(`${sim.url}/files/${id}-last.png`)).status).toBe(404);
  });

  it('reports frames as rounded whole seconds and adaptive as 16:9', async () => {
    const id = await api.createId(i2v({ frames: 57 }));
    clock.advance(5000);
    const video = (await api.get(id)).body.output[0].content[0];
    expect(video).toMatchObject({ duration: 2, ratio: '16:9', resolution: '720p' });
  });

  it('runs flex tasks flexFactor (3) times slower', async () => {
    const id = await api.createId(t2v({ service_tier: 'flex' }));
    clock.advance(2999);
    expect((await api.get(id)).body.status).toBe('pending');
    clock.advance(1);
    expect((await api.get(id)).body.status).toBe('processing');
    clock.advance(11_999);
    expect((await api.get(id)).body.status).toBe('processing');
    clock.advance(1);
    expect((await api.get(id)).body.status).toBe('completed');
  });

  it('[sim:fail] ends failed with the model family code and no output', async () => {
    const t2vId = await api.createId(t2v({}, 'oops [sim:fail]'));
    const i2vId = await api.createId(i2v({}, [{ type: 'text', text: '[sim:fail]' }, image()]));
    clock.advance(4999);
    expect((await api.get(t2vId)).body.status).toBe('processing');
    clock.advance(1);
    const failed = await api.get(t2vId);
    expect(failed.body).toMatchObject({
      status: 'failed',
      error: { code: '003004095', error_message: 'Internal generation error (simulated)' },
    });
    expect(failed.body).not.toHaveProperty('output');
    expect(failed.body).not.toHaveProperty('usage');
    expect((await api.get(i2vId)).body.error.code).toBe('003006095');
  });

  it('[sim:expire] becomes expired when it would have completed', async () => {
    const id = await api.createId(t2v({}, '[sim:expire] soon'));
    clock.advance(4999);
    expect((await api.get(id)).body.status).toBe('processing');
    clock.advance(1);
    const expired = await api.get(id);
    expect(expired.body.status).toBe('expired');
    expect(expired.body).not.toHaveProperty('error');
    expect(expired.body).not.toHaveProperty('output');
  });

  it('[sim:stall] stays processing until execution_expires_after, then expires', async () => {
    const id = await api.createId(t2v({ execution_expires_after: 3600 }, 'stuck [sim:stall]'));
    const createdAt = (await api.get(id)).body.created_at as number;
    clock.advance(3_000_000);
    expect((await api.get(id)).body.status).toBe('processing');
    clock.advance(3600_000 - 3_000_000);
    const expired = await api.get(id);
    expect(expired.body).toMatchObject({ status: 'expired', updated_at: createdAt + 3600 });
  });

  it('expires a task whose expiry comes before its completion', async () => {
    const slow = await startSimulator({ queueMs: 3000_000, runMs: 1000_000, now: clock.now });
    try {
      const id = await client(slow, null).createId(t2v({ execution_expires_after: 3600 }));
      clock.advance(3599_000);
      expect((await client(slow, null).get(id)).body.status).toBe('processing');
      clock.advance(1000);
      expect((await client(slow, null).get(id)).body.status).toBe('expired');
    } finally {
      await slow.stop();
    }
  });

  it('answers 404 with 003004098 for an unknown task id', async () => {
    const missing = await api.get('sdt-does-not-exist');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { code: '003004098', error_message: expect.stringContaining('sdt-does-not-exist') },
    });
  });
});

describe('simulator task lifecycle (real clock, tiny timings)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ queueMs: 30, runMs: 60 });
  });
  afterAll(() => sim.stop());

  it('completes on its own', async () => {
    const api = client(sim, null);
    const id = await api.createId(t2v());
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const status = (await api.get(id)).body.status as string;
        seen.add(status);
        return status;
      },
      (status) => status === 'completed',
      { what: 'completion' },
    );
    expect(seen.has('pending') || seen.has('processing')).toBe(true);
  });
});

describe('simulator control', () => {
  let sim: RunningSimulator;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    sim = await startSimulator({ apiKey: KEY, queueMs: 60_000, runMs: 60_000 });
    api = client(sim, KEY);
  });
  afterAll(() => sim.stop());

  it('moves tasks in process: setStatus, complete, fail, expire', async () => {
    const id = await api.createId(t2v());
    sim.control.setStatus(id, 'processing');
    expect((await api.get(id)).body.status).toBe('processing');
    const completed = sim.control.complete(id);
    expect(completed.status).toBe('completed');
    expect((await api.get(id)).body).toMatchObject({ status: 'completed', usage: { output_tokens: 108000 } });

    const other = await api.createId(i2v());
    sim.control.fail(other);
    expect((await api.get(other)).body).toMatchObject({ status: 'failed', error: { code: '003006095' } });
    sim.control.fail(other, '003006096', 'could not parse');
    expect((await api.get(other)).body.error).toEqual({ code: '003006096', error_message: 'could not parse' });

    const third = await api.createId(t2v());
    sim.control.expire(third);
    expect((await api.get(third)).body.status).toBe('expired');
    expect(sim.control.get(third).status).toBe('expired');
  });

  it('restarts the timeline when set back to pending', async () => {
    const quick = await startSimulator({ queueMs: 20, runMs: 20 });
    try {
      const q = client(quick, null);
      const id = await q.createId(t2v());
      quick.control.expire(id);
      quick.control.setStatus(id, 'pending');
      await waitFor(
        async () => (await q.get(id)).body.status,
        (s) => s === 'completed',
        { what: 'completion after restart' },
      );
    } finally {
      await quick.stop();
    }
  });

  it('throws for an unknown id in process', () => {
    expect(() => sim.control.complete('nope')).toThrow(/no simulated task/);
  });

  it('moves tasks over HTTP without the API key', async () => {
    const id = await api.createId(t2v());
    const post = (path: string, body?: unknown) => admin(sim, 'POST', `/tasks/${id}/${path}`, body);
    expect((await post('status', { status: 'processing' })).body.status).toBe('processing');
    expect((await post('complete')).body.status).toBe('completed');
    const failed = await post('fail', { code: '003004097', message: 'boom' });
    expect(failed.body).toMatchObject({ status: 'failed', error: { code: '003004097', error_message: 'boom' } });
    expect((await post('expire')).body.status).toBe('expired');
    expect((await post('status', { status: 'sideways' })).status).toBe(400);
    const unknown = await fetch(`${sim.url}/__simulator/tasks/nope/complete`, { method: 'POST' });
    expect(unknown.status).toBe(404);
  });
});
