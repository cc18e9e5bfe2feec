import { CallbackTokens } from '../../src/live/callback-tokens';
import { GENERATE, startHarness, type Harness } from '../support/gateway-harness';
import { rawConnection, requestHead } from '../support/raw-connection';
import { waitFor } from '../support/wait-for';
import { subscribe, wsClient } from '../support/ws-client';

/**
 * Upstream callbacks: the gateway sends a callback URL with every create; a callback makes
 * it read the task at once (so a subscriber sees the end long before the 60 s safety poll),
 * while forged or replayed callbacks change nothing, and no number of callbacks yields more
 * than one read per task per second.
 */
const WEBHOOK = '/webhooks/spark-dance/';

describe('upstream callbacks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      callbacks: true,
      simulator: { queueMs: 600_000, runMs: 600_000 },
      env: { POLL_MIN_INTERVAL_MS: '30', POLL_CALLBACK_SAFETY_INTERVAL_MS: '60000' },
    });
  });
  afterAll(() => h.stop());

  const submit = async () =>
    (await h.gql(GENERATE, { input: { textToVideo: { prompt: 'called back' } } })).data!.generateVideo.task as {
      id: string;
      upstreamTaskId: string;
    };
  const webhookBase = () => h.gateway.url.replace(/\/graphql$/, WEBHOOK);

  it('a callback brings the final state to a subscriber long before the safety poll, in at most 3 reads', async () => {
    const task = await submit();
    const client = wsClient(h.gateway.url, 'Bearer key-alice');
    try {
      const sub = subscribe<{ videoTaskUpdated: { status: string } }>(
        client,
        'subscription($id: ID!) { videoTaskUpdated(id: $id) { status } }',
        { id: task.id },
      );
      await sub.received(1);
      // Past the one early read: from now on only callbacks (or the 60 s safety poll) cause reads.
      await waitForReads(task.upstreamTaskId, 1);
      h.simulator.control.setStatus(task.upstreamTaskId, 'processing');
      await sub.received(2);
      const started = Date.now();
      h.simulator.control.complete(task.upstreamTaskId);
      const events = await sub.completed;
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(events.map((e) => e.videoTaskUpdated.status)).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
      expect(h.simulator.stats().statusReadsByTask[task.upstreamTaskId]).toBeLessThanOrEqual(3);
      expect(h.simulator.stats().callbacksSent).toBeGreaterThanOrEqual(2);
    } finally {
      await client.dispose();
    }
  });

  it('refuses unknown and forged tokens with 404 and reads nothing', async () => {
    const task = await submit();
    await waitForReads(task.upstreamTaskId, 1);
    const before = h.simulator.stats().statusReads;
    const forged = [
      `${task.id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
      task.id,
      'nonsense',
      `${task.id}.`,
      '%zz',
    ];
    for (const token of forged) {
      const response = await fetch(webhookBase() + token, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: task.upstreamTaskId, status: 'completed' }),
      });
      expect(response.status).toBe(404);
    }
    expect(h.simulator.stats().statusReads).toBe(before);
    expect(await statusOf(task.id)).toEqual({ status: 'QUEUED' });
  });

  it('refuses a valid token of a task it never stored (creates store theirs first) with 404, reading nothing', async () => {
    const before = h.simulator.stats().statusReads;
    const token = new CallbackTokens('a-test-secret-of-at-least-32-characters').tokenFor('vt_never_stored');
    const response = await fetch(webhookBase() + token, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(response.headers.get('connection')).toBe('close');
    expect(h.simulator.stats().statusReads).toBe(before);
  });

  it('refuses an oversized callback body with 413 before reading it, and closes the connection', async () => {
    const task = await submit();
    const connection = rawConnection(Number(new URL(h.gateway.url).port));
    const path = new URL(tokenUrlFor(task.upstreamTaskId)).pathname;
    connection.send(
      requestHead('POST', path, { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) }),
    );
    const refused = await connection.response;
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).toBe('close');
    await connection.closed;
  });

  it('never trusts the body: a valid token claiming completion only triggers a read', async () => {
    const task = await submit();
    await waitForReads(task.upstreamTaskId, 1);
    const url = tokenUrlFor(task.upstreamTaskId);
    const reads = h.simulator.stats().statusReadsByTask[task.upstreamTaskId]!;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: task.upstreamTaskId, status: 'completed', usage: { cost: '0' } }),
    });
    expect(response.status).toBe(202);
    await waitForReads(task.upstreamTaskId, reads + 1);
    // Had the body been trusted, the task would already be SUCCEEDED when the 202 came back.
    expect(await statusOf(task.id)).toEqual({ status: 'QUEUED' });
    expect((await fetch(url, { method: 'GET' })).status).toBe(405);
  });

  describe('cannot drive reads', () => {
    const readsOf = (upstreamTaskId: string) => h.simulator.stats().statusReadsByTask[upstreamTaskId] ?? 0;
    /** Once the poller has nothing due before the safety read, every read a callback asked for has happened. */
    const settled = (taskId: string) =>
      waitFor(
        () => h.gateway.poller.nextReadInMs(taskId),
        (ms) => ms === undefined || ms > 10_000,
        { what: 'no read due soon' },
      );

    it('300 callbacks in about 3 s for an unfinished task cause at most 4 reads', async () => {
      const task = await submit();
      await waitFor(
        () => readsOf(task.upstreamTaskId),
        (n) => n >= 1,
        { what: 'the early read' },
      );
      await settled(task.id);
      const url = h.simulator.control.callbackUrl(task.upstreamTaskId)!;
      const before = readsOf(task.upstreamTaskId);
      const started = Date.now();
      // 30 waves of 10, one wave per 100 ms: load pacing, not synchronisation.
      for (let wave = 0; wave < 30; wave += 1) {
        const wave10 = Array.from({ length: 10 }, () =>
          fetch(url, { method: 'POST', body: '{}' }).then((r) => r.status),
        );
        const answers = await Promise.all(wave10);
        expect(answers).toEqual(Array(10).fill(202));
        const next = started + (wave + 1) * 100;
        if (Date.now() < next) await new Promise((resolve) => setTimeout(resolve, next - Date.now()));
      }
      const burstMs = Date.now() - started;
      await settled(task.id);
      const reads = readsOf(task.upstreamTaskId) - before;
      console.log(`callback burst: 300 callbacks in ${burstMs} ms -> ${reads} upstream reads`);
      // At most one read per second from the first callback: 3 s of callbacks -> at most 4 reads
      // (a slow machine that needs longer to send them all gets one more per extra second).
      expect(reads).toBeGreaterThanOrEqual(1);
      expect(reads).toBeLessThanOrEqual(Math.ceil(burstMs / 1000) + 1);
    });

    it('callbacks for a finished task cause no read', async () => {
      const task = await submit();
      h.simulator.control.complete(task.upstreamTaskId);
      await h.waitForStatus(task.id, ['SUCCEEDED']);
      const before = readsOf(task.upstreamTaskId);
      const url = h.simulator.control.callbackUrl(task.upstreamTaskId)!;
      for (let i = 0; i < 20; i += 1) expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(202);
      // A read would have put the task back under watch.
      expect(h.gateway.poller.nextReadInMs(task.id)).toBeUndefined();
      expect(readsOf(task.upstreamTaskId)).toBe(before);
    });

    it('a 200 MiB callback with a bad token is answered 404 at once, unread, and its connection closed', async () => {
      const total = 200 * 1024 * 1024;
      const connection = rawConnection(Number(new URL(h.gateway.url).port));
      const started = Date.now();
      const forged = `${WEBHOOK}vt_forged.${'A'.repeat(43)}`;
      connection.send(
        requestHead('POST', forged, { 'content-type': 'application/json', 'content-length': String(total) }),
      );
      let sent = 0;
      let closed = false;
      void connection.closed.then(() => (closed = true));
      const piece = Buffer.alloc(1024 * 1024, 0x20);
      // Stream the body as fast as the socket takes it, until the server hangs up.
      while (!closed && sent < total) {
        if (!connection.socket.write(piece)) {
          await Promise.race([new Promise((resolve) => connection.socket.once('drain', resolve)), connection.closed]);
        }
        sent += piece.length;
      }
      const response = await connection.response;
      await connection.closed;
      const elapsedMs = Date.now() - started;
      const mib = Math.round(sent / 1024 / 1024);
      console.log(`bad-token 200 MiB callback: 404 and closed after ${elapsedMs} ms, ${mib} MiB written`);
      expect(response.status).toBe(404);
      expect(response.headers.connection).toBe('close');
      expect(sent).toBeLessThan(total / 4);
      expect(elapsedMs).toBeLessThan(2_000);
    });
  });

  /** The callback URL the gateway sent with the create, as the simulator recorded it. */
  function tokenUrlFor(upstreamTaskId: string): string {
    const url = h.simulator.control.callbackUrl(upstreamTaskId);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/spark-dance\/vt_[0-9a-f-]+\.[A-Za-z0-9_-]{43}$/);
    return url!;
  }

  async function statusOf(id: string): Promise<unknown> {
    return (await h.gql('query($id: ID!) { videoTask(id: $id) { status } }', { id })).data!.videoTask;
  }

  async function waitForReads(upstreamTaskId: string, count: number): Promise<void> {
    await waitFor(
      () => h.simulator.stats().statusReadsByTask[upstreamTaskId] ?? 0,
      (n) => n >= count,
      { what: `${count} reads of ${upstreamTaskId}` },
    );
  }
});
