import { CallbackTokens } from '../../src/live/callback-tokens';
import { GENERATE, startHarness, type Harness } from '../support/gateway-harness';
import { rawConnection, requestHead } from '../support/raw-connection';
import { waitFor } from '../support/wait-for';
import { subscribe, wsClient } from '../support/ws-client';

/**
 * Upstream callbacks: the gateway sends a callback URL with every create; a callback makes
 * it read the task at once (so a subscriber sees the end long before the 60 s safety poll),
 * while forged or replayed callbacks change nothing.
 */
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

  const submit = async () => (await h.gql(GENERATE, { input: { textToVideo: { prompt: 'called back' } } })).data!.generateVideo.task as { id: string; upstreamTaskId: string };
  const webhookBase = () => h.gateway.url.replace(/\/graphql$/, '/webhooks/spark-dance/');

  it('a callback brings the final state to a subscriber long before the safety poll, in at most 3 reads', async () => {
    const task = await submit();
    const client = wsClient(h.gateway.url, 'Bearer key-alice');
    try {
      const sub = subscribe<{ videoTaskUpdated: { status: string } }>(client, 'subscription($id: ID!) { videoTaskUpdated(id: $id) { status } }', { id: task.id });
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
    const forged = [`${task.id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, task.id, 'nonsense', `${task.id}.`, '%zz'];
    for (const token of forged) {
      const response = await fetch(webhookBase() + token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: task.upstreamTaskId, status: 'completed' }) });
      expect(response.status).toBe(404);
    }
    expect(h.simulator.stats().statusReads).toBe(before);
    expect(await statusOf(task.id)).toEqual({ status: 'QUEUED' });
  });

  it('refuses a valid token of a task it never stored (every create stores its task first) with 404, reading nothing', async () => {
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
    connection.send(requestHead('POST', new URL(tokenUrlFor(task.upstreamTaskId)).pathname, { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) }));
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
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: task.upstreamTaskId, status: 'completed', usage: { cost: '0' } }) });
    expect(response.status).toBe(202);
    await waitForReads(task.upstreamTaskId, reads + 1);
    // Had the body been trusted, the task would already be SUCCEEDED when the 202 came back.
    expect(await statusOf(task.id)).toEqual({ status: 'QUEUED' });
    expect((await fetch(url, { method: 'GET' })).status).toBe(405);
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
    await waitFor(() => h.simulator.stats().statusReadsByTask[upstreamTaskId] ?? 0, (n) => n >= count, { what: `${count} reads of ${upstreamTaskId}` });
  }
});
