/** Shared helpers of the simulator suites: real HTTP calls and condition waiting. */
import type { RunningSimulator } from '../../src/simulator';

export { waitFor } from '../support/wait-for';

/** A parsed answer. */
export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Kept as text: some tests look at broken bodies.
  }
  return { status: response.status, headers: response.headers, body };
}

/** Calls to one simulator with one key (null: no Authorization header). */
export function client(sim: RunningSimulator, key: string | null) {
  const auth: Record<string, string> = key === null ? {} : { authorization: `Bearer ${key}` };
  return {
    async create(body: unknown): Promise<Answer> {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      return answer(
        await fetch(`${sim.url}/v1/video/generations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth },
          body: raw,
        }),
      );
    },
    async get(id: string): Promise<Answer> {
      return answer(await fetch(`${sim.url}/v1/video/generations/${encodeURIComponent(id)}`, { headers: auth }));
    },
    /** Creates and returns the id, failing loudly if the create was refused. */
    async createId(body: unknown): Promise<string> {
      const created = await this.create(body);
      if (created.status !== 200) throw new Error(`create refused: ${created.status} ${JSON.stringify(created.body)}`);
      return (created.body as { id: string }).id;
    },
  };
}

/** Calls to the `/__simulator` endpoints. */
export async function admin(sim: RunningSimulator, method: string, path: string, body?: unknown): Promise<Answer> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  return answer(await fetch(`${sim.url}/__simulator${path}`, init));
}

/** A valid T2V body, with overrides. */
export function t2v(
  overrides: Record<string, unknown> = {},
  prompt = 'a red fox running through fresh snow',
): Record<string, unknown> {
  return { model: 'spark_dance_v1_0_lite_t2v', content: [{ type: 'text', text: prompt }], ...overrides };
}

/** An image item. */
export function image(url = 'https://example.com/a.png', role?: string): Record<string, unknown> {
  return { type: 'image_url', image_url: { url }, ...(role === undefined ? {} : { role }) };
}

/** A valid I2V body (first frame) with overrides. */
export function i2v(overrides: Record<string, unknown> = {}, content: unknown[] = [image()]): Record<string, unknown> {
  return { model: 'spark_dance_v1_0_lite_i2v', content, ...overrides };
}

/** A clock tests move by hand. */
export function manualClock(start = Date.UTC(2030, 0, 1, 12, 0, 0)) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}
