import { GENERATE, KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { padTo, pngBuffer, toDataUrl } from '../support/images';
import { chunk, rawConnection, requestHead } from '../support/raw-connection';
import { waitFor } from '../support/wait-for';

const AUTH = { authorization: `Bearer ${KEYS.alice}` };
const JSON_HEADERS = { 'content-type': 'application/json', ...AUTH };
/** LARGE_REQUEST_BYTES in the suites that test the large-request cap. */
const LARGE = 4096;

/** A `{ __typename }` request body padded with an unused variable to `bytes` bytes. */
function paddedBody(bytes: number): string {
  const head = '{"query":"{ __typename }","variables":{"pad":"';
  const tail = '"}}';
  return `${head}${'x'.repeat(bytes - head.length - tail.length)}${tail}`;
}

/** A reference-image generation whose body is over {@link LARGE} bytes (one valid 640x480 PNG of 8 KB). */
const LARGE_GENERATION = JSON.stringify({
  query: GENERATE,
  variables: { input: { referenceImages: { images: [toDataUrl(padTo(pngBuffer(640, 480), 8000), 'png')] } } },
});

const port = (h: Harness) => h.gateway.port;
const post = (h: Harness, body: string, headers: Record<string, string> = JSON_HEADERS) =>
  fetch(h.gateway.url, { method: 'POST', headers, body });
const generateLarge = async (h: Harness) =>
  (await post(h, LARGE_GENERATION)).json() as Promise<{ data?: { generateVideo: { __typename: string } } }>;

describe('request bodies (MAX_BODY_BYTES) and CSRF', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { MAX_BODY_BYTES: '65536' } });
  });
  afterAll(() => h.stop());

  it('echoes a usable x-request-id, and replaces an unusable one with a new id', async () => {
    const ask = (requestId: string) =>
      fetch(h.gateway.url, {
        method: 'POST',
        headers: { ...JSON_HEADERS, 'x-request-id': requestId },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    expect((await ask('abc-123')).headers.get('x-request-id')).toBe('abc-123');
    expect((await ask('x'.repeat(101))).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await ask('has space')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 413 to a declared Content-Length over the limit without reading the body, and closes', async () => {
    const c = rawConnection(port(h));
    // Headers only: the answer must come without a byte of the (announced) body.
    c.send(requestHead('POST', '/graphql', { ...JSON_HEADERS, 'content-length': '10000000' }));
    const response = await c.response;
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe('close');
    expect(JSON.parse(response.body)).toEqual({
      errors: [{ message: 'request body exceeds 65536 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
    await c.closed;
  });

  it('answers 413 to a chunked body once it passes the limit, closes, and keeps serving others', async () => {
    const c = rawConnection(port(h));
    c.send(requestHead('POST', '/graphql', { ...JSON_HEADERS, 'transfer-encoding': 'chunked' }));
    // 80 KiB in 16 KiB chunks, with no final chunk: the request never ends on its own.
    for (let i = 0; i < 5; i++) c.send(chunk(Buffer.alloc(16 * 1024, 'x')));
    const response = await c.response;
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    await c.closed;

    const other = await h.gql('{ __typename }');
    expect(other).toEqual({ status: 200, data: { __typename: 'Query' } });
  });

  it('accepts a body at the limit', async () => {
    const response = await post(h, paddedBody(65536));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  describe('CSRF prevention (Apollo, on by default)', () => {
    const mutation = 'mutation { generateVideo(input: { textToVideo: { prompt: "csrf" } }) { __typename } }';
    const bobsTasks = async () =>
      (await h.gql('{ videoTasks { edges { node { id } } } }', undefined, KEYS.bob)).data?.videoTasks.edges;

    it('refuses a GET without a preflight-forcing header (even a mutation: it never runs)', async () => {
      const creates = h.simulator.stats().creates;
      for (const query of ['{ __typename }', mutation]) {
        const response = await fetch(`${h.gateway.url}?query=${encodeURIComponent(query)}`, {
          headers: { authorization: `Bearer ${KEYS.bob}` },
        });
        expect(response.status).toBe(400);
        expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
      }
      expect(h.simulator.stats().creates).toBe(creates);
      expect(await bobsTasks()).toEqual([]);

      // The same GET with a header no simple cross-site request can carry is served.
      const allowed = await fetch(`${h.gateway.url}?query=${encodeURIComponent('{ __typename }')}`, {
        headers: { authorization: `Bearer ${KEYS.bob}`, 'apollo-require-preflight': 'true' },
      });
      expect(allowed.status).toBe(200);
    });

    it('refuses a POST with content-type text/plain: the mutation does not execute', async () => {
      const creates = h.simulator.stats().creates;
      const body = JSON.stringify({ query: mutation });
      const refused = await post(h, body, { 'content-type': 'text/plain', authorization: `Bearer ${KEYS.bob}` });
      expect(refused.status).toBe(400);
      expect(await refused.text()).toMatch(/Cross-Site Request Forgery/);
      expect(h.simulator.stats().creates).toBe(creates);
      expect(await bobsTasks()).toEqual([]);

      // Control: the same request as JSON does execute.
      const accepted = await post(h, body, { 'content-type': 'application/json', authorization: `Bearer ${KEYS.bob}` });
      expect(await accepted.json()).toEqual({ data: { generateVideo: { __typename: 'GenerateVideoSuccess' } } });
      expect(h.simulator.stats().creates).toBe(creates + 1);
      expect(await bobsTasks()).toHaveLength(1);
    });
  });
});

describe('large requests in flight (MAX_LARGE_REQUESTS_IN_FLIGHT=1)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: { LARGE_REQUEST_BYTES: String(LARGE), MAX_LARGE_REQUESTS_IN_FLIGHT: '1', SPARK_DANCE_TIMEOUT_MS: '20000' },
    });
  });
  afterAll(() => h.stop());
  beforeEach(() => h.simulator.faults.clear());
  const gauges = () => h.gateway.server.largeRequests();

  it('refuses a large upload without credentials before reading it: it never takes the slot', async () => {
    const anonymous = rawConnection(port(h));
    const { authorization: _authorization, ...withoutCredentials } = JSON_HEADERS;
    anonymous.send(requestHead('POST', '/graphql', { ...withoutCredentials, 'content-length': String(LARGE * 4) }));
    const refused = await anonymous.response;
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(refused.headers.connection).toBe('close');
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    expect(refused.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(gauges()).toEqual({ inFlight: 0, waiting: 0 });
    anonymous.socket.destroy();
  });

  it('a second large request waits while the first is read; small requests pass', async () => {
    const events: string[] = [];
    const firstBody = paddedBody(LARGE * 2);
    const first = rawConnection(port(h));
    first.send(requestHead('POST', '/graphql', { ...JSON_HEADERS, 'content-length': String(firstBody.length) }));
    first.send(firstBody.slice(0, LARGE)); // half of it, for now
    void first.response.then(() => events.push('first'));
    await waitFor(gauges, (g) => g.inFlight === 1, { what: 'the first large request to be admitted' });

    const second = post(h, paddedBody(LARGE * 2)).then(async (response) => {
      events.push('second');
      return response;
    });
    await waitFor(gauges, (g) => g.waiting === 1, { what: 'the second large request to wait' });

    const small = await h.gql('{ __typename }');
    expect(small.data).toEqual({ __typename: 'Query' });
    expect(events).toEqual([]);

    first.send(firstBody.slice(LARGE));
    expect((await first.response).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(events).toEqual(['first', 'second']);
    expect(gauges()).toEqual({ inFlight: 0, waiting: 0 });
    first.socket.destroy();
  });

  it('the slot is held through the whole execution, up to the upstream create', async () => {
    h.simulator.faults.add({ route: 'create', delayMs: 1500 });
    const creates = h.simulator.stats().creates;
    const events: string[] = [];
    const first = generateLarge(h).then((result) => (events.push('first'), result));
    await waitFor(
      () => h.simulator.stats().creates,
      (n) => n === creates + 1,
      { what: 'the first create to reach the upstream' },
    );

    const second = generateLarge(h).then((result) => (events.push('second'), result));
    await waitFor(gauges, (g) => g.waiting === 1, { what: 'the second large request to wait' });
    expect(h.simulator.stats().creates).toBe(creates + 1); // not executed while waiting

    const results = await Promise.all([first, second]);
    expect(events).toEqual(['first', 'second']);
    expect(results.map((result) => result.data?.generateVideo.__typename)).toEqual([
      'GenerateVideoSuccess',
      'GenerateVideoSuccess',
    ]);
    expect(h.simulator.stats().creates).toBe(creates + 2);
  });

  it('a chunked body takes a slot once it grows past LARGE_REQUEST_BYTES', async () => {
    const events: string[] = [];
    const holderBody = paddedBody(LARGE * 2);
    const holder = rawConnection(port(h));
    holder.send(requestHead('POST', '/graphql', { ...JSON_HEADERS, 'content-length': String(holderBody.length) }));
    holder.send(holderBody.slice(0, 100));
    void holder.response.then(() => events.push('holder'));
    await waitFor(gauges, (g) => g.inFlight === 1, { what: 'the holder to be admitted' });

    const streamedBody = paddedBody(LARGE * 3);
    const streamed = rawConnection(port(h));
    streamed.send(requestHead('POST', '/graphql', { ...JSON_HEADERS, 'transfer-encoding': 'chunked' }));
    streamed.send(chunk(streamedBody.slice(0, LARGE / 2))); // under the threshold: read at once
    streamed.send(chunk(streamedBody.slice(LARGE / 2, LARGE + 10))); // past it: must wait
    void streamed.response.then(() => events.push('streamed'));
    await waitFor(gauges, (g) => g.waiting === 1, { what: 'the chunked request to wait' });
    streamed.send(chunk(streamedBody.slice(LARGE + 10)));
    streamed.send(chunk(''));

    holder.send(holderBody.slice(100));
    expect((await holder.response).status).toBe(200);
    const response = await streamed.response;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ data: { __typename: 'Query' } });
    expect(events).toEqual(['holder', 'streamed']);
    holder.socket.destroy();
    streamed.socket.destroy();
  });
});

describe('request timeouts (HTTP_REQUEST_TIMEOUT_MS=1000)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: {
        HTTP_REQUEST_TIMEOUT_MS: '1000',
        HTTP_HEADERS_TIMEOUT_MS: '1000',
        LARGE_REQUEST_BYTES: String(LARGE),
        MAX_LARGE_REQUESTS_IN_FLIGHT: '1',
        SPARK_DANCE_TIMEOUT_MS: '20000',
      },
    });
  });
  afterAll(() => h.stop());
  const gauges = () => h.gateway.server.largeRequests();

  it('cuts off a client that never finishes its headers (408, closed)', async () => {
    const c = rawConnection(port(h));
    c.send('POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\n');
    await c.closed;
    expect((await c.response).status).toBe(408);
  });

  it('cuts off a client that sends headers but never finishes its body (408, closed)', async () => {
    const c = rawConnection(port(h));
    c.send(requestHead('POST', '/graphql', { ...JSON_HEADERS, 'content-length': '100' }));
    c.send('{"query":');
    await c.closed;
    expect((await c.response).status).toBe(408);
  });

  it('frees the large-request slot of a body cut off by the timeout', async () => {
    const body = paddedBody(LARGE * 2);
    const c = rawConnection(port(h));
    c.send(requestHead('POST', '/graphql', { ...JSON_HEADERS, 'content-length': String(body.length) }));
    c.send(body.slice(0, 100));
    await waitFor(gauges, (g) => g.inFlight === 1, { what: 'the request to be admitted' });
    await c.closed;
    await waitFor(gauges, (g) => g.inFlight === 0, { what: 'the slot to be released' });
    expect((await post(h, paddedBody(LARGE * 2))).status).toBe(200);
  });

  it('refuses a large request that waited half the request timeout with 503 and Retry-After', async () => {
    h.simulator.faults.add({ route: 'create', delayMs: 3000 });
    const creates = h.simulator.stats().creates;
    // A complete request is past node:http's timeout: it holds its slot through the slow create.
    const first = generateLarge(h);
    await waitFor(
      () => h.simulator.stats().creates,
      (n) => n === creates + 1,
      { what: 'the first create to reach the upstream' },
    );

    const refused = await post(h, LARGE_GENERATION);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(await refused.json()).toEqual({
      errors: [
        { message: 'too many large requests in progress; retry later', extensions: { code: 'SERVICE_UNAVAILABLE' } },
      ],
    });
    expect(h.simulator.stats().creates).toBe(creates + 1);
    expect((await first).data?.generateVideo.__typename).toBe('GenerateVideoSuccess');
  });
});
