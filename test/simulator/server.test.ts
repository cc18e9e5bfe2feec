import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { client, t2v } from './helpers';

const KEY = 'the-right-key';

describe('simulator HTTP surface', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ apiKey: KEY, queueMs: 60_000, runMs: 60_000 });
  });
  afterAll(() => sim.stop());

  it('listens on loopback with a random port by default', () => {
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.port).toBeGreaterThan(0);
  });

  it.each<[string, string | null, Record<string, string>]>([
    ['missing', null, {}],
    ['wrong', 'wrong-key', {}],
    ['not a bearer', null, { authorization: `Basic ${KEY}` }],
  ])('answers 401 to a %s key, on both API routes, without echoing it', async (_name, key, headers) => {
    const create = await fetch(`${sim.url}/v1/video/generations`, {
      method: 'POST',
      headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...headers },
      body: JSON.stringify(t2v()),
    });
    expect(create.status).toBe(401);
    const body = await create.text();
    expect(JSON.parse(body)).toEqual({
      error: { code: 'unauthorized', error_message: expect.stringMatching(/API key/) },
    });
    if (key) expect(body).not.toContain(key);
    expect((await client(sim, key).get('any')).status).toBe(401);
  });

  it('accepts the key with any case of "Bearer"', async () => {
    const answer = await fetch(`${sim.url}/v1/video/generations`, {
      method: 'POST',
      headers: { authorization: `bearer ${KEY}` },
      body: JSON.stringify(t2v()),
    });
    expect(answer.status).toBe(200);
  });

  it('needs no key when started without one', async () => {
    const open = await startSimulator();
    try {
      expect((await client(open, null).create(t2v())).status).toBe(200);
    } finally {
      await open.stop();
    }
  });

  it('answers 404 for unknown routes and 405 for wrong methods, with the error envelope', async () => {
    const missing = await fetch(`${sim.url}/v2/whatever`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const wrong = await fetch(`${sim.url}/v1/video/generations`, { method: 'GET' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect((await fetch(`${sim.url}/v1/video/generations/%E0%A4%A`)).status).toBe(404);
  });

  it('never crashes on odd input', async () => {
    const api = client(sim, KEY);
    for (const body of [
      '',
      'null',
      '[]',
      '"text"',
      '{"model": {"a": 1}}',
      '\u0000\u0001',
      '{"content": [null, {"type": null}]}',
    ]) {
      expect((await api.create(body)).status).toBe(400);
    }
    expect((await api.create(t2v())).status).toBe(200);
  });

  it('refuses bad options', async () => {
    await expect(startSimulator({ queueMs: -1 })).rejects.toThrow(/queueMs/);
    await expect(startSimulator({ port: 70_000 })).rejects.toThrow(/port/);
    await expect(startSimulator({ apiKey: '' })).rejects.toThrow(/apiKey/);
  });

  it('refuses connections after stop()', async () => {
    const short = await startSimulator();
    await short.stop();
    await expect(fetch(`${short.url}/__simulator/stats`)).rejects.toThrow();
  });
});
