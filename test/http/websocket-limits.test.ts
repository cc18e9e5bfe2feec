import { once } from 'node:events';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { withDeadline } from '../support/deadline';
import { GENERATE, KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { waitFor } from '../support/wait-for';
import { subscribe, wsClient, type Subscription } from '../support/ws-client';

const CAROL = 'key-carol';
const ENV = {
  GATEWAY_API_KEYS: `${KEYS.alice}:alice,${KEYS.bob}:bob,${KEYS.admin}:ops:admin,${CAROL}:carol`,
  // These tests submit quickly on purpose; submission limits are not under test here.
  RATE_LIMIT_SUBMITS_PER_MINUTE: '100000',
  MAX_ACTIVE_TASKS_PER_CLIENT: '100000',
};

type ClosedEvent = { code: number; reason: string };

/** A graphql-ws client that connects at once, telling when it is acknowledged and how it closed. */
function connect(h: Harness, key: string, clients: Client[]) {
  let acknowledged!: () => void;
  let closedWith!: (event: ClosedEvent) => void;
  const connected = new Promise<void>((resolve) => (acknowledged = resolve));
  const closed = new Promise<ClosedEvent>((resolve) => (closedWith = resolve));
  let isClosed = false;
  const client = createClient({
    url: h.gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    on: {
      connected: () => acknowledged(),
      closed: (event) => {
        isClosed = true;
        const { code, reason } = event as ClosedEvent;
        closedWith({ code, reason });
      },
    },
  });
  clients.push(client);
  // Whichever comes first: acknowledged, or closed (with its code).
  const outcome = Promise.race([connected.then(() => 'acknowledged' as const), closed.then((event) => event.code)]);
  return { client, connected, closed, outcome, isClosed: () => isClosed };
}

async function generate(h: Harness, key: string, prompt = 'a paper boat on a pond'): Promise<string> {
  const result = await h.gql(GENERATE, { input: { textToVideo: { prompt } } }, key);
  expect(result.data?.generateVideo?.__typename).toBe('GenerateVideoSuccess');
  return result.data!.generateVideo.task.id as string;
}

/**
 * Creates tasks as `key` until `subscription` has received `count` events: a subscription
 * starts listening some time after it is sent, and no protocol message says when.
 */
async function produceUntilReceived(
  h: Harness,
  key: string,
  subscription: Subscription<unknown>,
  count: number,
): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    await generate(h, key);
    try {
      await subscription.received(count, 300);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

describe('WebSocket caps: operations per socket, sockets per client', () => {
  let h: Harness;
  const clients: Client[] = [];
  beforeAll(async () => {
    h = await startHarness({ env: { ...ENV, WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2', WS_MAX_SOCKETS_PER_CLIENT: '2' } });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await h.stop();
  });

  it('refuses an operation beyond WS_MAX_SUBSCRIPTIONS_PER_SOCKET with an error, keeps the socket, and counts completions', async () => {
    const client = wsClient(h.gateway.url, `Bearer ${CAROL}`);
    clients.push(client);
    const first = subscribe(client, 'subscription First { myVideoTaskUpdates { id status } }');
    const second = subscribe(client, 'subscription Second { myVideoTaskUpdates { id status } }');
    const third = subscribe(client, 'subscription Third { myVideoTaskUpdates { id status } }');
    await expect(withDeadline(third.completed, 5_000, 'refusal')).rejects.toEqual([
      expect.objectContaining({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }),
    ]);

    // The socket stays open: both accepted subscriptions go on receiving.
    await produceUntilReceived(h, CAROL, first, 1);
    await produceUntilReceived(h, CAROL, second, 1);
    // Queries take a slot while they run, too.
    await expect(subscribe(client, '{ nearestFrameCount(seconds: 2.4) { frames } }').completed).rejects.toEqual([
      expect.objectContaining({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }),
    ]);

    // Completing one frees its slot for the next operation on the same socket.
    first.unsubscribe();
    const fourth = subscribe(client, 'subscription Fourth { myVideoTaskUpdates { id status } }');
    await produceUntilReceived(h, CAROL, fourth, 1);
    const before = second.events.length;
    await produceUntilReceived(h, CAROL, second, before + 1);

    // And a subscription that the server completes frees its slot as well.
    fourth.unsubscribe();
    const taskId = await generate(h, CAROL);
    const single = subscribe(client, 'subscription($id: ID!) { videoTaskUpdated(id: $id) { status } }', { id: taskId });
    const events = await withDeadline(single.completed, 10_000, 'completion'); // ends after SUCCEEDED
    expect(events.at(-1)).toEqual({ videoTaskUpdated: { status: 'SUCCEEDED' } });
    expect(await subscribe(client, '{ nearestFrameCount(seconds: 2.4) { frames } }').completed).toEqual([
      { nearestFrameCount: { frames: 57 } },
    ]);
  });

  it('refuses a socket beyond WS_MAX_SOCKETS_PER_CLIENT with 4429, per client, and frees the slot on close', async () => {
    const alice1 = connect(h, KEYS.alice, clients);
    const alice2 = connect(h, KEYS.alice, clients);
    await withDeadline(Promise.all([alice1.connected, alice2.connected]), 5_000, 'acknowledgements');

    const alice3 = connect(h, KEYS.alice, clients);
    expect(await withDeadline(alice3.closed, 5_000, 'close')).toEqual({
      code: 4429,
      reason: 'too many connections for this client',
    });
    // Another client is not affected.
    const bob = connect(h, KEYS.bob, clients);
    expect(await withDeadline(bob.outcome, 5_000, 'acknowledgement')).toBe('acknowledged');

    await alice1.client.dispose();
    // The server frees the slot once it has seen the close; until then attempts are refused.
    await waitFor(
      () => withDeadline(connect(h, KEYS.alice, clients).outcome, 5_000, 'outcome'),
      (outcome) => outcome === 'acknowledged',
      {
        what: 'a freed slot for alice',
      },
    );
    // Refused attempts took no slot, and the freed one is taken again: two open, the next refused.
    expect(await withDeadline(connect(h, KEYS.alice, clients).outcome, 5_000, 'outcome')).toBe(4429);
    expect(alice2.isClosed()).toBe(false);
  });
});

describe('WebSocket slow consumer (WS_MAX_BUFFERED_BYTES)', () => {
  let h: Harness;
  const clients: Client[] = [];
  beforeAll(async () => {
    // No keep-alive pings: only the buffer bound may close the stalled socket here.
    // Prompts of ~300 kB (over the default MAX_PROMPT_CHARS) make every update frame large.
    h = await startHarness({
      env: { ...ENV, WS_MAX_BUFFERED_BYTES: '1024', WS_KEEPALIVE_MS: '0', MAX_PROMPT_CHARS: '400000' },
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await h.stop();
  });

  it('closes a socket that stops reading instead of buffering for it, and keeps serving others', async () => {
    const shared = () => h.gateway.server.sharedSubscriptions();
    const healthyClient = wsClient(h.gateway.url, `Bearer ${KEYS.alice}`);
    clients.push(healthyClient);
    const healthy = subscribe(healthyClient, 'subscription { myVideoTaskUpdates { id status } }');
    await waitFor(shared, (n) => n === 1, { what: "alice's subscription" });

    // A raw graphql-transport-ws client, to stop reading at the TCP level.
    const slow = new WebSocket(h.gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const slowClosed = once(slow, 'close') as Promise<[number, Buffer]>;
    await once(slow, 'open');
    slow.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${CAROL}` } }));
    const [ack] = (await once(slow, 'message')) as [Buffer];
    expect(JSON.parse(ack.toString())).toEqual({ type: 'connection_ack' });
    for (const id of ['1', '2']) {
      slow.send(
        JSON.stringify({
          id,
          type: 'subscribe',
          payload: { query: `subscription S${id} { myVideoTaskUpdates { id status prompt } }` },
        }),
      );
    }
    await waitFor(shared, (n) => n === 3, { what: "carol's two subscriptions" });
    slow.pause();

    // Large updates (the prompt is in every frame) fill the kernel buffers, then the gateway's.
    const bigPrompt = 'a very long prompt '.repeat(16_000); // ~300 kB
    for (let i = 0; i < 20 && shared() === 3; i++) await generate(h, CAROL, bigPrompt);
    await waitFor(shared, (n) => n === 1, {
      what: "the slow consumer's subscriptions to be dropped",
      timeoutMs: 10_000,
    });

    // Everyone else is served as before.
    const taskId = await generate(h, KEYS.alice);
    await waitFor(
      () => healthy.events,
      (events) =>
        events.some((event) => (event as { myVideoTaskUpdates: { id: string } }).myVideoTaskUpdates.id === taskId),
      { what: "alice's update" },
    );
    expect((await h.gql('{ nearestFrameCount(seconds: 2.4) { frames } }', {}, KEYS.bob)).data).toEqual({
      nearestFrameCount: { frames: 57 },
    });

    // Once it reads again, the slow client finds its socket closed: 1013 if the close frame
    // got through before the grace period ended, else cut (1006).
    slow.resume();
    const [code] = await withDeadline(slowClosed, 10_000, 'close of the slow socket');
    expect([1013, 1006]).toContain(code);
  });
});
