import { TaskOwnership } from '../../src/live/task-ownership';
import { TaskPoller } from '../../src/live/task-poller';
import { createLogger } from '../../src/logger';
import { openStore, type GatewayStore } from '../../src/store/open-store';
import { HttpUpstreamClient } from '../../src/upstream/http-upstream-client';
import { queuedTask } from '../support/fixtures';
import { waitFor } from '../support/wait-for';

/** The poll leases' owner keeps this replica's poller on exactly the tasks it holds. */
describe('task ownership', () => {
  let store: GatewayStore;
  let poller: TaskPoller;
  let ownership: TaskOwnership;

  beforeEach(async () => {
    store = await openStore('memory://', { leaseMs: 300 });
    // Never called: the first read of a task is a minute away.
    const upstream = new HttpUpstreamClient({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'k',
      createPath: '/v1/video/generations',
      statusPath: '/v1/video/generations/{id}',
      timeoutMs: 1000,
    });
    const logger = createLogger('silent');
    poller = new TaskPoller({
      tasks: store.tasks,
      upstream,
      logger,
      minIntervalMs: 60_000,
      maxIntervalMs: 60_000,
      concurrency: 1,
    });
    ownership = new TaskOwnership({ leases: store.leases, poller, owner: store.replicaId, leaseMs: 300, logger });
  });
  afterEach(async () => {
    await poller.stop();
    await ownership.stop();
    await store.close();
  });

  it('resumes the tasks it holds at start, and follows again a held task whose watch was lost', async () => {
    await store.tasks.insert(queuedTask({ id: 'vt_held', upstreamTaskId: 'up-held' }, Date.now()));
    await ownership.start();
    expect(poller.isWatching('vt_held')).toBe(true);
    // A watch lost to a race with a renewal: the next renewal must pick it up again.
    poller.unwatch('vt_held');
    await waitFor(
      () => poller.isWatching('vt_held'),
      (watching) => watching,
      { what: 'the held task followed again' },
    );
  });

  it('gives its tasks up on stop, so another replica can claim them at once', async () => {
    await store.tasks.insert(queuedTask({ id: 'vt_held', upstreamTaskId: 'up-held' }, Date.now()));
    await ownership.start();
    await ownership.stop();
    expect(await store.leases.claim('replica-other', 300, 10)).toEqual(['vt_held']);
  });
});
