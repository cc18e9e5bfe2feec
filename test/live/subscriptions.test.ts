import type { Client } from 'graphql-ws';
import { GENERATE, KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { pngDataUrl } from '../support/images';
import { waitFor } from '../support/wait-for';
import { subscribe, wsClient } from '../support/ws-client';

const TASK_UPDATED = `subscription($id: ID!) { videoTaskUpdated(id: $id) { id status revision videos { url } usage { costUsd } error { code } } }`;
const MY_UPDATES = `subscription { myVideoTaskUpdates { id status revision } }`;

type Event = {
  videoTaskUpdated: {
    id: string;
    status: string;
    revision: number;
    videos: unknown[];
    usage: unknown;
    error: { code: string } | null;
  };
};

/**
 * graphql-ws subscriptions end to end: a real client, the gateway, the poller and the
 * simulator on loopback. Upstream transitions are driven through the simulator's control API
 * so each step is certain; the poller reads every 20-80 ms.
 */
describe('subscriptions over graphql-ws', () => {
  let h: Harness;
  const clients: Client[] = [];
  const client = (key: string = KEYS.alice) => {
    const c = wsClient(h.gateway.url, `Bearer ${key}`);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    // 50 tabs of one client, each on its own socket (more than WS_MAX_SOCKETS_PER_CLIENT's default).
    h = await startHarness({
      simulator: { queueMs: 600_000, runMs: 600_000 },
      env: { WS_MAX_SOCKETS_PER_CLIENT: '100' },
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await h.stop();
  });

  const submit = async (
    input: Record<string, unknown> = { textToVideo: { prompt: 'p' } },
    key: string = KEYS.alice,
  ) => {
    const result = await h.gql(GENERATE, { input }, key);
    expect(result.data?.generateVideo.__typename).toBe('GenerateVideoSuccess');
    return result.data!.generateVideo.task as { id: string; upstreamTaskId: string };
  };

  it.each([
    ['TEXT_TO_VIDEO', { textToVideo: { prompt: 'a kite' } }],
    ['FIRST_FRAME', { firstFrame: { image: pngDataUrl(640, 480) } }],
    ['FIRST_LAST_FRAME', { firstLastFrame: { firstFrame: pngDataUrl(640, 480), lastFrame: pngDataUrl(640, 480) } }],
    ['REFERENCE_IMAGES', { referenceImages: { images: [pngDataUrl(640, 480)], prompt: 'r' } }],
  ])('%s: current state first, one event per change, completes after SUCCEEDED', async (_mode, input) => {
    const task = await submit(input);
    const sub = subscribe<Event>(client(), TASK_UPDATED, { id: task.id });
    await sub.received(1);
    h.simulator.control.setStatus(task.upstreamTaskId, 'processing');
    await sub.received(2);
    h.simulator.control.complete(task.upstreamTaskId);
    const events = (await sub.completed).map((e) => e.videoTaskUpdated);
    expect(events.map((e) => e.status)).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
    // Quiet reads store syncedAt (a revision each) without an event: revisions grow, with gaps.
    expect(events.map((e) => e.revision)).toEqual([...events.map((e) => e.revision)].sort((a, b) => a - b));
    expect(new Set(events.map((e) => e.revision)).size).toBe(3);
    expect(events[2]!.videos).toHaveLength(1);
    expect(events[2]!.usage).not.toBeNull();
  });

  it('ends with FAILED for a failed task and with EXPIRED for an expired one', async () => {
    const failing = await submit();
    const expiring = await submit();
    const failed = subscribe<Event>(client(), TASK_UPDATED, { id: failing.id });
    const expired = subscribe<Event>(client(), TASK_UPDATED, { id: expiring.id });
    await Promise.all([failed.received(1), expired.received(1)]);
    h.simulator.control.fail(failing.upstreamTaskId);
    h.simulator.control.expire(expiring.upstreamTaskId);
    const failedEvents = (await failed.completed).map((e) => e.videoTaskUpdated);
    const expiredEvents = (await expired.completed).map((e) => e.videoTaskUpdated);
    expect(failedEvents.map((e) => e.status)).toEqual(['QUEUED', 'FAILED']);
    expect(failedEvents[1]!.error?.code).toBe('UPSTREAM_GENERATION_FAILED');
    expect(expiredEvents.map((e) => e.status)).toEqual(['QUEUED', 'EXPIRED']);
    expect(expiredEvents[1]!.error?.code).toBe('TASK_EXPIRED');
  });

  it('yields a finished task once and completes; resubscribing gets the current state first', async () => {
    const task = await submit();
    h.simulator.control.complete(task.upstreamTaskId);
    await h.waitForStatus(task.id, ['SUCCEEDED']);
    for (let i = 0; i < 2; i += 1) {
      const events = await subscribe<Event>(client(), TASK_UPDATED, { id: task.id }).completed;
      expect(events.map((e) => e.videoTaskUpdated.status)).toEqual(['SUCCEEDED']);
    }
  });

  it("refuses another client's task with an error and no events", async () => {
    const task = await submit({ textToVideo: { prompt: 'private' } }, KEYS.alice);
    const sub = subscribe<Event>(client(KEYS.bob), TASK_UPDATED, { id: task.id });
    await expect(sub.completed).rejects.toEqual([
      expect.objectContaining({ message: 'No such task for this client.', extensions: { code: 'NOT_FOUND' } }),
    ]);
    expect(sub.events).toEqual([]);
  });

  it("myVideoTaskUpdates carries every change of the caller's tasks and never another client's", async () => {
    const running = h.gateway.server.sharedSubscriptions();
    const mine = subscribe<{ myVideoTaskUpdates: { id: string; status: string; revision: number } }>(
      client(KEYS.alice),
      MY_UPDATES,
    );
    const theirs = subscribe<{ myVideoTaskUpdates: { id: string } }>(client(KEYS.bob), MY_UPDATES);
    // graphql-ws does not acknowledge subscriptions: wait until the server runs both.
    await waitFor(
      () => h.gateway.server.sharedSubscriptions(),
      (n) => n === running + 2,
      { what: 'both subscriptions to start' },
    );
    const bobTask = await submit({ textToVideo: { prompt: 'bob' } }, KEYS.bob);
    await theirs.received(1);
    const task = await submit();
    await mine.received(1);
    h.simulator.control.complete(task.upstreamTaskId);
    const events = await mine.received(2);
    expect(events.map((e) => [e.myVideoTaskUpdates.id, e.myVideoTaskUpdates.status])).toEqual([
      [task.id, 'QUEUED'],
      [task.id, 'SUCCEEDED'],
    ]);
    expect(events[1]!.myVideoTaskUpdates.revision).toBeGreaterThan(events[0]!.myVideoTaskUpdates.revision);
    expect(theirs.events.map((e) => e.myVideoTaskUpdates.id)).toEqual([bobTask.id]);
    mine.unsubscribe();
    theirs.unsubscribe();
  });

  it('50 subscribers and 100 queries of a task cost no more upstream reads than one subscriber; a finished task costs none', async () => {
    const watched = await submit();
    const baseline = await submit();
    const running = h.gateway.server.sharedSubscriptions();
    const many = Array.from({ length: 50 }, () => subscribe<Event>(client(), TASK_UPDATED, { id: watched.id }));
    const one = subscribe<Event>(client(), TASK_UPDATED, { id: baseline.id });
    await Promise.all([...many, one].map((s) => s.received(1)));
    // The 50 identical subscriptions run as one execution.
    expect(h.gateway.server.sharedSubscriptions()).toBe(running + 2);
    const query = `query($id: ID!) { videoTask(id: $id) { status } }`;
    await Promise.all(Array.from({ length: 100 }, () => h.gql(query, { id: watched.id })));
    h.simulator.control.complete(watched.upstreamTaskId);
    h.simulator.control.complete(baseline.upstreamTaskId);
    await Promise.all([...many, one].map((s) => s.completed));
    const reads = () => h.simulator.stats().statusReadsByTask;
    const watchedReads = reads()[watched.upstreamTaskId]!;
    const baselineReads = reads()[baseline.upstreamTaskId]!;
    // Same poll schedule for both; jitter may differ by a read or two.
    expect(watchedReads).toBeLessThanOrEqual(baselineReads + 2);
    for (const sub of many) expect(sub.events.map((e) => e.videoTaskUpdated.status)).toEqual(['QUEUED', 'SUCCEEDED']);

    const finished = Array.from({ length: 50 }, () => subscribe<Event>(client(), TASK_UPDATED, { id: watched.id }));
    await Promise.all(finished.map((s) => s.completed));
    await Promise.all(Array.from({ length: 100 }, () => h.gql(query, { id: watched.id })));
    expect(reads()[watched.upstreamTaskId]).toBe(watchedReads);
  });
});
