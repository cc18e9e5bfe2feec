import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createClient, type Client } from 'graphql-ws';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWK, type KeyLike } from 'jose';
import WebSocket from 'ws';
import { JwtVerifier } from '../../src/http/jwt-verifier';
import { createLogger } from '../../src/logger';
import { withDeadline } from '../support/deadline';
import { freePort, GENERATE, KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { subscribe } from '../support/ws-client';

const SECRET = 'a-test-jwt-secret-of-at-least-32-characters!';
const ISSUER = 'https://auth.example.test';
const AUDIENCE = 'spark-dance-gateway';
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Claims of a test token; `null` leaves a standard claim out. */
interface TokenClaims {
  sub?: string | null;
  roles?: unknown;
  /** `exp`, seconds from now (negative: in the past). */
  expiresIn?: number | null;
  /** `nbf`, seconds from now. */
  notBefore?: number;
  iss?: string | null;
  aud?: string | null;
}

function jwt(claims: TokenClaims): SignJWT {
  const { sub = 'jwt-carol', roles, expiresIn = 300, notBefore, iss = ISSUER, aud = AUDIENCE } = claims;
  const token = new SignJWT(roles === undefined ? {} : { roles }).setIssuedAt();
  if (sub !== null) token.setSubject(sub);
  if (expiresIn !== null) token.setExpirationTime(nowSeconds() + expiresIn);
  if (notBefore !== undefined) token.setNotBefore(nowSeconds() + notBefore);
  if (iss !== null) token.setIssuer(iss);
  if (aud !== null) token.setAudience(aud);
  return token;
}

const hs256 = (claims: TokenClaims = {}, secret = SECRET, alg = 'HS256') =>
  jwt(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(secret));

const TASK_OF = 'query($id: ID!) { videoTask(id: $id) { id status } }';
const USAGE_OF = `query($clientId: String) {
  usageReport(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", clientId: $clientId) { totals { tasks } }
}`;

async function generateAs(h: Harness, token: string): Promise<string> {
  const result = await h.gql(GENERATE, { input: { textToVideo: { prompt: 'a kite over the dunes' } } }, token);
  expect(result.errors).toBeUndefined();
  expect(result.data!.generateVideo.__typename).toBe('GenerateVideoSuccess');
  return result.data!.generateVideo.task.id as string;
}

/** A graphql-ws client that records how its socket closed. */
function connect(h: Harness, authorization: string, clients: Client[]) {
  let resolveClosed!: (event: { code: number; reason: string; at: number }) => void;
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) => (resolveClosed = resolve));
  const client = createClient({
    url: h.gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        resolveClosed({ code, reason, at: Date.now() });
      },
    },
  });
  clients.push(client);
  return { client, closed };
}

function expectUnauthenticated(
  result: { status: number; data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> },
  token: string,
) {
  expect(result.status).toBe(401);
  expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(result.data ?? null).toBeNull();
  // The credential is never echoed back.
  expect(JSON.stringify(result)).not.toContain(token.slice(-20));
}

describe('JWT identity with an HS256 secret (alongside API keys)', () => {
  let h: Harness;
  const clients: Client[] = [];
  beforeAll(async () => {
    h = await startHarness({ env: { AUTH_JWT_SECRET: SECRET, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE } });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await h.stop();
  });

  it("makes `sub` the client on HTTP: its tasks are its own and no one else's", async () => {
    const taskId = await generateAs(h, await hs256({ sub: 'jwt-carol' }));
    const again = await h.gql(TASK_OF, { id: taskId }, await hs256({ sub: 'jwt-carol' }));
    expect(again.data!.videoTask).toMatchObject({ id: taskId });
    const otherSubject = await h.gql(TASK_OF, { id: taskId }, await hs256({ sub: 'jwt-dave' }));
    expect(otherSubject.errors).toBeUndefined();
    expect(otherSubject.data!.videoTask).toBeNull();
    const apiKeyClient = await h.gql(TASK_OF, { id: taskId }, KEYS.alice);
    expect(apiKeyClient.data!.videoTask).toBeNull();
  });

  it('accepts the same token over graphql-ws, for queries and subscriptions', async () => {
    const token = await hs256({ sub: 'jwt-erin' });
    const taskId = await generateAs(h, token);
    const { client } = connect(h, `Bearer ${token}`, clients);
    const read = subscribe(client, TASK_OF, { id: taskId });
    expect(await read.completed).toEqual([{ videoTask: expect.objectContaining({ id: taskId }) }]);
    const live = subscribe(client, 'subscription($id: ID!) { videoTaskUpdated(id: $id) { id revision } }', {
      id: taskId,
    });
    expect((await live.received(1))[0]).toMatchObject({ videoTaskUpdated: { id: taskId } });
    live.unsubscribe();
  });

  it('makes an admin of a token whose roles contain "admin", and of no other', async () => {
    const admin = await h.gql(
      USAGE_OF,
      { clientId: 'alice' },
      await hs256({ sub: 'jwt-ops', roles: ['reader', 'admin'] }),
    );
    expect(admin.errors).toBeUndefined();
    expect(admin.data!.usageReport.totals).toMatchObject({ tasks: expect.any(Number) });
    for (const roles of [undefined, ['reader'], 'admin', [{ admin: true }]]) {
      const denied = await h.gql(USAGE_OF, { clientId: 'alice' }, await hs256({ sub: 'jwt-ops', roles }));
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('still accepts the static API keys, admin flag included', async () => {
    expect((await h.gql(USAGE_OF, {}, KEYS.alice)).errors).toBeUndefined();
    expect((await h.gql(USAGE_OF, { clientId: 'alice' }, KEYS.admin)).errors).toBeUndefined();
    expect((await h.gql(USAGE_OF, { clientId: 'alice' }, KEYS.bob)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expectUnauthenticated(await h.gql(USAGE_OF, {}, 'key-nobody'), 'key-nobody');
  });

  it('allows the documented 5 s of clock skew on exp', async () => {
    const justExpired = await h.gql(USAGE_OF, {}, await hs256({ expiresIn: -2 }));
    expect(justExpired.errors).toBeUndefined();
  });

  it.each<[string, () => Promise<string>]>([
    ['expired', () => hs256({ expiresIn: -60 })],
    ['not yet valid (nbf in the future)', () => hs256({ notBefore: 60 })],
    ['signed with another secret', () => hs256({}, 'another-secret-that-is-also-32-characters-long')],
    ['for another audience', () => hs256({ aud: 'someone-else' })],
    ['without an audience', () => hs256({ aud: null })],
    ['from another issuer', () => hs256({ iss: 'https://evil.example.test' })],
    [
      'with alg none',
      async () => new UnsecuredJWT({ sub: 'jwt-carol', iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 300 }).encode(),
    ],
    ['signed with HS384 (not HS256)', () => hs256({}, SECRET, 'HS384')],
    ['without sub', () => hs256({ sub: null })],
    ['with an empty sub', () => hs256({ sub: '' })],
    ['with a sub over 200 characters', () => hs256({ sub: 'x'.repeat(201) })],
    ['without exp', () => hs256({ expiresIn: null })],
  ])('refuses a token %s with 401 UNAUTHENTICATED', async (_name, token) => {
    const value = await token();
    expectUnauthenticated(await h.gql(USAGE_OF, {}, value), value);
  });

  it.each<[string, () => Promise<string>]>([
    ['an expired token', () => hs256({ expiresIn: -60 })],
    ['a token signed with another secret', () => hs256({}, 'another-secret-that-is-also-32-characters-long')],
  ])('closes a socket presenting %s with 4403', async (_name, token) => {
    const { closed } = connect(h, `Bearer ${await token()}`, clients);
    expect((await withDeadline(closed, 5_000, 'close')).code).toBe(4403);
  });

  it('serves a socket until its token expires (exp + 5 s tolerance), then closes it with 4403', async () => {
    const exp = nowSeconds() + 2;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('jwt-frank')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(SECRET));
    const { client, closed } = connect(h, `Bearer ${token}`, clients);
    const updates = subscribe(client, 'subscription { myVideoTaskUpdates { id status } }');
    // The subscription is live and delivering before expiry.
    const taskIds = await waitForDelivery(h, updates, await hs256({ sub: 'jwt-frank' }));
    expect(Date.now()).toBeLessThan(exp * 1000 + 5_000);
    expect(taskIds).toContain((updates.events[0] as { myVideoTaskUpdates: { id: string } }).myVideoTaskUpdates.id);

    const { code, reason, at } = await withDeadline(closed, 12_000, 'close at token expiry');
    expect(code).toBe(4403);
    expect(reason).toBe('token expired');
    expect(at).toBeGreaterThanOrEqual(exp * 1000 + 5_000 - 50);
    expect(at).toBeLessThan(exp * 1000 + 5_000 + 2_000);
    await expect(updates.completed).rejects.toBeDefined();
  });
});

/** Creates tasks as the token's client until `updates` has heard of one; returns the ids created. */
async function waitForDelivery(h: Harness, updates: ReturnType<typeof subscribe>, token: string): Promise<string[]> {
  // The subscription may not be registered when the first task is created: retry, on a deadline.
  const deadline = Date.now() + 4_000;
  const taskIds: string[] = [];
  for (;;) {
    taskIds.push(await generateAs(h, token));
    try {
      await updates.received(1, 500);
      return taskIds;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

/** A JSON Web Key Set served over loopback HTTP, counting its fetches. */
interface KeySetServer {
  url: string;
  fetches: number;
  close(): Promise<void>;
}

async function serveKeySet(keys: JWK[]): Promise<KeySetServer> {
  const state = { fetches: 0 };
  const server: Server = createServer((request, response) => {
    state.fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get fetches() {
      return state.fetches;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('JWT identity with RS256/ES256 keys from a JWKS URL (no API keys)', () => {
  let h: Harness;
  let keySet: KeySetServer;
  let rsa: { publicKey: KeyLike; privateKey: KeyLike };
  let ec: { publicKey: KeyLike; privateKey: KeyLike };
  let stranger: { publicKey: KeyLike; privateKey: KeyLike };
  const clients: Client[] = [];
  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    stranger = await generateKeyPair('RS256');
    keySet = await serveKeySet([
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ]);
    h = await startHarness({ env: { AUTH_JWKS_URL: keySet.url, GATEWAY_API_KEYS: '' } });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await h.stop();
    await keySet.close();
  });

  const signed = (claims: TokenClaims, alg: 'RS256' | 'ES256', kid: string, key: KeyLike) =>
    jwt({ iss: null, aud: null, ...claims })
      .setProtectedHeader({ alg, kid })
      .sign(key);

  it('accepts RS256 and ES256 tokens naming keys of the set, as the same client', async () => {
    const taskId = await generateAs(h, await signed({ sub: 'jwks-gina' }, 'RS256', 'rsa-1', rsa.privateKey));
    const viaEc = await h.gql(
      TASK_OF,
      { id: taskId },
      await signed({ sub: 'jwks-gina' }, 'ES256', 'ec-1', ec.privateKey),
    );
    expect(viaEc.errors).toBeUndefined();
    expect(viaEc.data!.videoTask).toMatchObject({ id: taskId });
    const otherSubject = await h.gql(
      TASK_OF,
      { id: taskId },
      await signed({ sub: 'jwks-hank' }, 'ES256', 'ec-1', ec.privateKey),
    );
    expect(otherSubject.data!.videoTask).toBeNull();
  });

  it('caches the key set instead of fetching it per request', async () => {
    await h.gql(USAGE_OF, {}, await signed({}, 'RS256', 'rsa-1', rsa.privateKey)); // the set is loaded by now
    const before = keySet.fetches;
    expect(before).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 3; i++) {
      expect((await h.gql(USAGE_OF, {}, await signed({}, 'ES256', 'ec-1', ec.privateKey))).errors).toBeUndefined();
    }
    expect(keySet.fetches).toBe(before);
  });

  it('accepts a JWKS token over graphql-ws too', async () => {
    const { client } = connect(
      h,
      `Bearer ${await signed({ sub: 'jwks-gina' }, 'ES256', 'ec-1', ec.privateKey)}`,
      clients,
    );
    const read = subscribe(client, '{ nearestFrameCount(seconds: 2.4) { frames } }');
    expect(await read.completed).toEqual([{ nearestFrameCount: { frames: 57 } }]);
  });

  it.each<[string, () => Promise<string>]>([
    ['an HS256 token (wrong algorithm for a key set)', () => hs256({ iss: null, aud: null })],
    ['alg none', async () => new UnsecuredJWT({ sub: 'jwks-gina', exp: nowSeconds() + 300 }).encode()],
    ['a known kid with a signature from another key', () => signed({}, 'RS256', 'rsa-1', stranger.privateKey)],
    ['a kid the set does not have', () => signed({}, 'RS256', 'rsa-unknown', stranger.privateKey)],
    ['an ES256 token naming the RSA key', () => signed({}, 'ES256', 'rsa-1', ec.privateKey)],
    ['an expired RS256 token', () => signed({ expiresIn: -60 }, 'RS256', 'rsa-1', rsa.privateKey)],
  ])('refuses %s with 401', async (_name, token) => {
    const value = await token();
    expectUnauthenticated(await h.gql(USAGE_OF, {}, value), value);
  });

  it('is not open with JWTs configured and no API keys: no credential, no access', async () => {
    expectUnauthenticated(await h.gql(USAGE_OF, {}, null), 'no token');
    expectUnauthenticated(await h.gql(USAGE_OF, {}, KEYS.alice), KEYS.alice);
  });
});

describe('JWT identity while the JWKS URL is unreachable', () => {
  let h: Harness;
  let deadUrl: string;
  let key: { publicKey: KeyLike; privateKey: KeyLike };
  const clients: Client[] = [];
  beforeAll(async () => {
    key = await generateKeyPair('RS256');
    deadUrl = `http://127.0.0.1:${await freePort()}/jwks.json`;
    h = await startHarness({ env: { AUTH_JWKS_URL: deadUrl } });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await h.stop();
  });

  const token = () =>
    jwt({ iss: null, aud: null }).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).sign(key.privateKey);

  it('answers 401 UNAUTHENTICATED (never 500) and keeps serving API keys', async () => {
    const value = await token();
    expectUnauthenticated(await h.gql(USAGE_OF, {}, value), value);
    expect((await h.gql(USAGE_OF, {}, KEYS.alice)).errors).toBeUndefined();
  });

  it('closes such a socket with 4403', async () => {
    const { closed } = connect(h, `Bearer ${await token()}`, clients);
    expect((await withDeadline(closed, 5_000, 'close')).code).toBe(4403);
  });

  it('logs a warning about the key set, without the token', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const verifier = new JwtVerifier({ keys: { kind: 'jwks', url: deadUrl }, logger: createLogger('debug', sink) });
    const value = await token();
    expect(await verifier.verify(value)).toBeNull();
    const log = lines.join('');
    expect(log).toMatch(/"level":40.*JWKS unavailable/);
    expect(log).not.toContain(value.split('.')[2]!.slice(0, 20));
    expect(log).not.toContain(value.split('.')[1]!.slice(0, 20));
  });
});
