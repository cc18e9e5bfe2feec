import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { KEYS, startHarness, type Harness } from '../support/gateway-harness';

/** graphql-ws on the same port and path as HTTP, with the same identity rules. */
describe('GraphQL over WebSocket (graphql-transport-ws)', () => {
  let h: Harness;
  const clients: Client[] = [];
  beforeAll(async () => {
    h = await startHarness({ env: { WS_CONNECTION_INIT_TIMEOUT_MS: '200' } });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await h.stop();
  });

  const connect = (authorization: string | undefined) => {
    const closed = new Promise<number>((resolve) => {
      const client = createClient({
        url: h.gateway.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: authorization ? { authorization } : {},
        retryAttempts: 0,
        lazy: false,
        on: {
          closed: (event) => resolve((event as { code: number }).code),
        },
        onNonLazyError: () => undefined,
      });
      clients.push(client);
    });
    return { client: clients[clients.length - 1]!, closed };
  };

  it('answers queries for an authenticated client', async () => {
    const { client } = connect(`Bearer ${KEYS.alice}`);
    const result = await new Promise<unknown>((resolve, reject) => {
      client.subscribe(
        { query: '{ nearestFrameCount(seconds: 2.4) { frames } }' },
        { next: resolve, error: reject, complete: () => undefined },
      );
    });
    expect(result).toEqual({ data: { nearestFrameCount: { frames: 57 } } });
  });

  it('closes a socket that never sends connection_init with 4408 after the configured wait', async () => {
    const socket = new WebSocket(h.gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const started = Date.now();
    const code = await new Promise<number>((resolve) => socket.on('close', (closeCode) => resolve(closeCode)));
    expect(code).toBe(4408);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it.each([
    ['a wrong key', 'Bearer nope'],
    ['no key', undefined],
  ])('closes the socket with 4403 for %s', async (_name, authorization) => {
    const { closed } = connect(authorization);
    expect(await closed).toBe(4403);
  });
});
