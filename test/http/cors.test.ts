import WebSocket from 'ws';
import { KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { exchange } from '../support/http-exchange';
import { withDeadline } from '../support/deadline';

const APP = 'http://localhost:5173';
const OTHER = 'https://evil.example';

/** What a browser sends before a cross-origin POST with JSON and a bearer token. */
const preflight = (origin: string) => ({
  method: 'OPTIONS',
  headers: {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'authorization, content-type',
  },
});

/** Resolves with the status of the upgrade answer: 101 when the socket opened. */
function upgradeStatus(url: string, origin?: string): Promise<number> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', origin ? { origin } : {});
  const status = new Promise<number>((resolve, reject) => {
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', reject);
  });
  return withDeadline(status, 5_000, 'upgrade answer');
}

describe('CORS for browser frontends', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { CORS_ORIGINS: `${APP}, https://admin.example` } });
  });
  afterAll(() => h.stop());

  it('answers a preflight from an allowed origin with 204 and the headers a GraphQL client needs', async () => {
    const answer = await exchange(h.gateway.url, preflight(APP));
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(APP);
    expect(answer.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(answer.headers['access-control-allow-headers']).toEqual(expect.stringContaining('authorization'));
    expect(answer.headers['access-control-allow-headers']).toEqual(expect.stringContaining('content-type'));
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    expect(answer.headers.vary).toMatch(/Origin/);
    expect(answer.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('lets the allowed origin read the answer of the real request, x-request-id included', async () => {
    const answer = await exchange(h.gateway.url, {
      method: 'POST',
      headers: { origin: APP, 'content-type': 'application/json', authorization: `Bearer ${KEYS.alice}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ data: { __typename: 'Query' } });
    expect(answer.headers['access-control-allow-origin']).toBe(APP);
    expect(answer.headers['access-control-expose-headers']).toMatch(/x-request-id/);
  });

  it('refuses the preflight of an origin not in CORS_ORIGINS, and adds no CORS headers for it', async () => {
    const answer = await exchange(h.gateway.url, preflight(OTHER));
    expect(answer.status).toBe(403);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    const post = await exchange(h.gateway.url, {
      method: 'POST',
      headers: { origin: OTHER, 'content-type': 'application/json', authorization: `Bearer ${KEYS.alice}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
  });

  it("keeps Apollo's CSRF prevention for simple requests, even from an allowed origin", async () => {
    const answer = await exchange(`${h.gateway.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { origin: APP, authorization: `Bearer ${KEYS.alice}` },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/Cross-Site Request Forgery/);
  });

  it('refuses WebSocket upgrades from other origins; allowed ones, the same origin and non-browsers pass', async () => {
    expect(await upgradeStatus(h.gateway.url, OTHER)).toBe(403);
    expect(await upgradeStatus(h.gateway.url, APP)).toBe(101);
    expect(await upgradeStatus(h.gateway.url, `http://127.0.0.1:${h.gateway.port}`)).toBe(101);
    expect(await upgradeStatus(h.gateway.url)).toBe(101);
  });
});

describe('without CORS_ORIGINS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('sends no CORS headers and leaves preflights to Apollo (refused), and WebSocket origins unchecked', async () => {
    const answer = await exchange(h.gateway.url, preflight(APP));
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(answer.headers.vary).toBeUndefined();
    expect(await upgradeStatus(h.gateway.url, OTHER)).toBe(101);
  });
});
