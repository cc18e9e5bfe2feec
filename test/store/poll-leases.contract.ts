import { VideoTaskStatus } from '../../src/domain/task-status';
import type { GatewayStore } from '../../src/store/open-store';
import type { TestStore, TestStores } from '../support/test-stores';
import { observe, submittedTask } from '../support/usage-fixtures';
import { testClock } from './test-clock';
import { finishedTask } from './fixtures/finished-task';

const T0 = Date.parse('2026-05-02T08:00:00.000Z');
const LEASE_MS = 10_000;

/** The poll leases (`store.leases`): which replica polls which unfinished task. */
export function describePollLeasesContract(stores: TestStores): void {
  describe(`poll leases contract: ${stores.engine}`, () => {
    const clock = testClock(T0);
    let opened: TestStore;
    let store: GatewayStore;

    /** Stores `count` unfinished tasks (and one finished), with no lease: as after a clean stop of their replica. */
    const unleasedTasks = async (count: number, prefix = 'vt_'): Promise<string[]> => {
      const ids = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
      for (const id of ids) await store.tasks.insert(submittedTask({ id, clientId: 'alice', createdAtMs: T0 }));
      await store.tasks.insert(
        finishedTask({ id: `${prefix}done`, clientId: 'alice', createdAtMs: T0 }, { status: VideoTaskStatus.FAILED }),
      );
      await store.leases.release(store.replicaId);
      return ids;
    };

    beforeEach(async () => {
      clock.reset();
      opened = await stores.open({ now: clock.now, leaseMs: LEASE_MS });
      store = opened.store;
    });

    it('leases a new unfinished task to the replica that stored it', async () => {
      await store.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 }));
      expect(await store.leases.claim('other', LEASE_MS, 10)).toEqual([]);
      expect(await store.leases.renew(store.replicaId, LEASE_MS)).toEqual(['vt_1']);
    });

    it('claims unleased unfinished tasks once, up to the limit, never finished ones', async () => {
      const ids = await unleasedTasks(5);
      const first = await store.leases.claim('r1', LEASE_MS, 3);
      expect(first).toHaveLength(3);
      const rest = await store.leases.claim('r1', LEASE_MS, 10);
      expect([...first, ...rest].sort()).toEqual(ids);
      expect(await store.leases.claim('r2', LEASE_MS, 10)).toEqual([]);
      // A replica's own live leases come back only when asked for (start-up on SQLite).
      expect(await store.leases.claim('r1', LEASE_MS, 10)).toEqual([]);
      expect((await store.leases.claim('r1', LEASE_MS, 10, true)).sort()).toEqual(ids);
    });

    it('renews the leases a replica holds, which then outlive the first term', async () => {
      const ids = await unleasedTasks(3);
      await store.leases.claim('r1', LEASE_MS, 10);
      clock.advance(LEASE_MS - 1);
      expect((await store.leases.renew('r1', LEASE_MS)).sort()).toEqual(ids);
      clock.advance(LEASE_MS - 1);
      expect(await store.leases.claim('r2', LEASE_MS, 10)).toEqual([]);
      // A finished task is no longer held.
      await store.tasks.update(ids[0]!, observe({ status: VideoTaskStatus.EXPIRED }, clock.now()));
      expect((await store.leases.renew('r1', LEASE_MS)).sort()).toEqual(ids.slice(1));
    });

    it("lets another replica take over leases that ran out (a dead replica's tasks)", async () => {
      const ids = await unleasedTasks(3);
      await store.leases.claim('r1', LEASE_MS, 10);
      clock.advance(LEASE_MS);
      expect(await store.leases.claim('r2', LEASE_MS, 10)).toEqual([]);
      clock.advance(1);
      expect((await store.leases.claim('r2', LEASE_MS, 10)).sort()).toEqual(ids);
      // The late replica learns on its next renewal that it lost them.
      expect(await store.leases.renew('r1', LEASE_MS)).toEqual([]);
    });

    it('hands released leases to the next claim at once', async () => {
      const ids = await unleasedTasks(3);
      await store.leases.claim('r1', LEASE_MS, 10);
      await store.leases.release('r1');
      expect((await store.leases.claim('r2', LEASE_MS, 10)).sort()).toEqual(ids);
      expect(await store.leases.renew('r1', LEASE_MS)).toEqual([]);
    });

    it('never gives one task to two concurrent claims', async () => {
      const ids = await unleasedTasks(60);
      const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => store.leases.claim(`r${i}`, LEASE_MS, 15)));
      const all = claims.flat();
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBeLessThanOrEqual(60);
      const left = await store.leases.claim('late', LEASE_MS, 100);
      expect([...all, ...left].sort()).toEqual(ids);
    });

    if (stores.engine === 'postgres') {
      it('never gives one task to two store instances claiming at once (SKIP LOCKED)', async () => {
        const other = await opened.openAgain!({ now: clock.now, leaseMs: LEASE_MS });
        const ids = await unleasedTasks(200);
        const claimed: string[] = [];
        // Rounds of simultaneous claims from both instances until every task is taken.
        for (let round = 0; claimed.length < ids.length && round < 20; round += 1) {
          const results = await Promise.all([
            store.leases.claim('a', LEASE_MS, 30),
            other.leases.claim('b', LEASE_MS, 30),
            store.leases.claim('c', LEASE_MS, 30),
            other.leases.claim('d', LEASE_MS, 30),
          ]);
          claimed.push(...results.flat());
        }
        expect(new Set(claimed).size).toBe(claimed.length);
        expect([...claimed].sort()).toEqual(ids);
      });
    }
  });
}
