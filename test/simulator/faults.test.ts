import { FaultRuleError, startSimulator, type FaultRule, type RunningSimulator } from '../../src/simulator';
import { admin, client, t2v, waitFor } from './helpers';

const KEY = 'faults-key';

describe('simulator fault injection and stats', () => {
  let sim: RunningSimulator;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    sim = await startSimulator({ apiKey: KEY, queueMs: 60_000, runMs: 60_000 });
    api = client(sim, KEY);
  });
  afterAll(() => sim.stop());
  beforeEach(() => {
    sim.faults.clear();
    sim.resetStats();
  });

  it('answers with a status, the wire error envelope and Retry-After', async () => {
    sim.faults.add({ route: 'status', status: 429, retryAfterSeconds: 7 });
    const limited = await api.get('any-id');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toEqual({ error: { code: '003004097', error_message: 'Simulated fault (HTTP 429)' } });
    expect((await api.get('any-id')).status).toBe(404); // used up
  });

  it('uses errorCode in the envelope, and never creates the task', async () => {
    sim.faults.add({ route: 'create', status: 400, errorCode: '003004003' });
    const refused = await api.create(t2v());
    expect(refused).toMatchObject({ status: 400, body: { error: { code: '003004003' } } });
    expect(sim.stats().creates).toBe(1);
  });

  it('derives the status when it is left out', async () => {
    sim.faults.add({ route: 'create', errorCode: '003004099' });
    sim.faults.add({ route: 'create', retryAfterSeconds: 3 });
    expect((await api.create(t2v())).status).toBe(500);
    const limited = await api.create(t2v());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
  });

  it('sends a raw JSON body', async () => {
    sim.faults.add({ route: 'create', status: 200, body: { status: 'pending' } });
    expect(await api.create(t2v())).toMatchObject({ status: 200, body: { status: 'pending' } });
  });

  it('sends a malformed body', async () => {
    sim.faults.add({ route: 'status', status: 200, malformed: true });
    const response = await fetch(`${sim.url}/v1/video/generations/x`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('delays the normal answer', async () => {
    const id = await api.createId(t2v());
    sim.faults.add({ route: 'status', delayMs: 200 });
    const started = Date.now();
    const answer = await api.get(id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(answer).toMatchObject({ status: 200, body: { id, status: 'pending' } });
  });

  it('drops the connection', async () => {
    sim.faults.add({ route: 'create', dropConnection: true });
    await expect(
      fetch(`${sim.url}/v1/video/generations`, { method: 'POST', body: JSON.stringify(t2v()) }),
    ).rejects.toThrow();
    expect(sim.stats().creates).toBe(1);
    expect((await api.create(t2v())).status).toBe(200);
  });

  it('applies a rule `times` times, in order per route, and `any` to both routes', async () => {
    sim.faults.add({ route: 'create', status: 500, times: 2 });
    sim.faults.add({ route: 'status', status: 502 });
    sim.faults.add({ route: 'create', status: 503 });
    sim.faults.add({ route: 'any', status: 504, times: 2 });
    expect(sim.faults.pending().map((rule) => [rule.route, rule.status, rule.times])).toEqual([
      ['create', 500, 2],
      ['status', 502, 1],
      ['create', 503, 1],
      ['any', 504, 2],
    ]);
    const creates = [];
    for (let i = 0; i < 4; i++) creates.push((await api.create(t2v())).status);
    expect(creates).toEqual([500, 500, 503, 504]);
    expect((await api.get('x')).status).toBe(502);
    expect((await api.get('x')).status).toBe(504);
    expect((await api.get('x')).status).toBe(404);
    expect(sim.faults.pending()).toEqual([]);
  });

  it('is applied before the API key check, and not to files or /__simulator', async () => {
    sim.faults.add({ route: 'any', status: 503, times: 10 });
    expect((await client(sim, null).get('x')).status).toBe(503);
    expect((await admin(sim, 'GET', '/stats')).status).toBe(200);
    expect((await fetch(`${sim.url}/files/x.mp4`)).status).toBe(404);
  });

  it('refuses invalid rules in process', () => {
    const bad: unknown[] = [
      { route: 'everything', status: 500 },
      { route: 'create' },
      { route: 'create', status: 99 },
      { route: 'create', times: 0, status: 500 },
      { route: 'create', dropConnection: true, status: 500 },
      { route: 'create', malformed: true, body: {} },
      { route: 'create', delayMs: -1 },
      { route: 'create', status: 500, colour: 'red' },
    ];
    for (const rule of bad) expect(() => sim.faults.add(rule as FaultRule)).toThrow(FaultRuleError);
    expect(sim.faults.pending()).toEqual([]);
  });

  it('is driven over HTTP under /__simulator/faults', async () => {
    expect((await admin(sim, 'POST', '/faults', { route: 'create', status: 500, errorCode: '003004099' })).status).toBe(
      201,
    );
    const added = await admin(sim, 'POST', '/faults', [
      { route: 'status', status: 429, retryAfterSeconds: 5 },
      { route: 'any', delayMs: 10 },
    ]);
    expect(added.status).toBe(201);
    expect((await admin(sim, 'GET', '/faults')).body.faults).toHaveLength(3);
    const refused = await admin(sim, 'POST', '/faults', [{ route: 'create', status: 500 }, { route: 'nowhere' }]);
    expect(refused.status).toBe(400);
    expect(refused.body.error.error_message).toMatch(/route must be one of/);
    expect((await admin(sim, 'GET', '/faults')).body.faults).toHaveLength(3); // all or nothing
    expect((await api.create(t2v())).body.error.code).toBe('003004099');
    expect((await admin(sim, 'DELETE', '/faults')).status).toBe(200);
    expect(sim.faults.pending()).toEqual([]);
  });

  it('counts creates and status reads per task, over HTTP too, and resets', async () => {
    const id = await api.createId(t2v());
    await api.create({ model: 'nope' });
    await api.get(id);
    await api.get(id);
    await api.get('unknown');
    expect(sim.stats()).toEqual({
      creates: 2,
      statusReads: 3,
      statusReadsByTask: { [id]: 2, unknown: 1 },
      callbacksSent: 0,
      callbacksFailed: 0,
    });
    expect((await admin(sim, 'GET', '/stats')).body).toEqual(sim.stats());
    const snapshot = sim.stats();
    await api.get(id);
    expect(snapshot.statusReadsByTask[id]).toBe(2); // a copy
    expect((await admin(sim, 'DELETE', '/stats')).body).toMatchObject({
      creates: 0,
      statusReads: 0,
      statusReadsByTask: {},
    });
    await api.get(id);
    sim.resetStats();
    expect(sim.stats().statusReads).toBe(0);
  });

  it('survives a client that gives up during a delay, and stop() does not wait for it', async () => {
    const local = await startSimulator({ queueMs: 10, runMs: 10 });
    local.faults.add({ route: 'create', delayMs: 300 });
    await expect(
      fetch(`${local.url}/v1/video/generations`, {
        method: 'POST',
        body: JSON.stringify(t2v()),
        signal: AbortSignal.timeout(50),
      }),
    ).rejects.toThrow();
    local.faults.add({ route: 'status', delayMs: 60_000 });
    const hanging = fetch(`${local.url}/v1/video/generations/x`).then(
      () => 'answered',
      () => 'failed',
    );
    await waitFor(
      () => local.stats().statusReads,
      (reads) => reads === 1,
      { what: 'the request to arrive' },
    );
    const started = Date.now();
    await local.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await hanging).toBe('failed');
  });
});
