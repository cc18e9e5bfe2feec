import { VideoTaskStatus } from '../../src/domain/task-status';
import type { GatewayStore } from '../../src/store/open-store';
import type { SlotCaps } from '../../src/store/task-slots';
import type { TestStore, TestStores } from '../support/test-stores';
import { observe, submittedTask } from '../support/usage-fixtures';
import { testClock } from './test-clock';
import { finishedTask } from './fixtures/finished-task';

const T0 = Date.parse('2026-05-01T12:00:00.000Z');
const HOLD_MS = 30_000;

/** The submission slots (`store.slots`): the unfinished-task caps, per client and gateway-wide. */
export function describeTaskSlotsContract(stores: TestStores): void {
  describe(`task slots contract: ${stores.engine}`, () => {
    const clock = testClock(T0);
    let opened: TestStore;
    let store: GatewayStore;
    beforeEach(async () => {
      clock.reset();
      opened = await stores.open({ now: clock.now });
      store = opened.store;
    });

    it('refuses a reservation past the per-client cap, then past the total cap, saying which', async () => {
      const caps: SlotCaps = { perClient: 2, upstream: 3 };
      expect(await store.slots.reserve('alice', 'vt_a1', caps, HOLD_MS)).toBeUndefined();
      expect(await store.slots.reserve('alice', 'vt_a2', caps, HOLD_MS)).toBeUndefined();
      expect(await store.slots.reserve('alice', 'vt_a3', caps, HOLD_MS)).toBe('client');
      expect(await store.slots.reserve('bob', 'vt_b1', caps, HOLD_MS)).toBeUndefined();
      expect(await store.slots.reserve('bob', 'vt_b2', caps, HOLD_MS)).toBe('upstream');
      expect(await store.slots.count('alice')).toBe(2);
      expect(await store.slots.count('bob')).toBe(1);
      expect(await store.slots.count()).toBe(3);
    });

    it('never lets concurrent reservations exceed a cap', async () => {
      const caps: SlotCaps = { perClient: 5, upstream: 8 };
      const alice = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.slots.reserve('alice', `vt_a${i}`, caps, HOLD_MS)),
      );
      expect(alice.filter((refusal) => refusal === undefined)).toHaveLength(5);
      expect(alice.filter((refusal) => refusal === 'client')).toHaveLength(7);
      const mixed = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.slots.reserve(i % 2 ? 'bob' : 'carol', `vt_m${i}`, caps, HOLD_MS)),
      );
      expect(mixed.filter((refusal) => refusal === undefined)).toHaveLength(3);
      expect(await store.slots.count()).toBe(8);
    });

    if (stores.engine === 'postgres') {
      it('never lets reservations from two store instances at once exceed a cap', async () => {
        const other = await opened.openAgain!({ now: clock.now });
        const caps: SlotCaps = { perClient: 4, upstream: 6 };
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? other : store).slots.reserve(i % 4 < 2 ? 'alice' : 'bob', `vt_${i}`, caps, HOLD_MS),
          ),
        );
        expect(results.filter((refusal) => refusal === undefined)).toHaveLength(6);
        expect(await store.slots.count('alice')).toBeLessThanOrEqual(4);
        expect(await store.slots.count('bob')).toBeLessThanOrEqual(4);
        expect(await other.slots.count()).toBe(6);
      });
    }

    it('gives a released reservation back', async () => {
      const caps: SlotCaps = { perClient: 1, upstream: 10 };
      expect(await store.slots.reserve('alice', 'vt_1', caps, HOLD_MS)).toBeUndefined();
      expect(await store.slots.reserve('alice', 'vt_2', caps, HOLD_MS)).toBe('client');
      await store.slots.release('vt_1');
      expect(await store.slots.count('alice')).toBe(0);
      expect(await store.slots.reserve('alice', 'vt_2', caps, HOLD_MS)).toBeUndefined();
    });

    it('lets an uncommitted reservation expire after its hold', async () => {
      const caps: SlotCaps = { perClient: 1, upstream: 10 };
      expect(await store.slots.reserve('alice', 'vt_1', caps, HOLD_MS)).toBeUndefined();
      clock.advance(HOLD_MS - 1);
      expect(await store.slots.reserve('alice', 'vt_2', caps, HOLD_MS)).toBe('client');
      clock.advance(1);
      expect(await store.slots.count('alice')).toBe(0);
      expect(await store.slots.reserve('alice', 'vt_2', caps, HOLD_MS)).toBeUndefined();
    });

    it('commits the slot of a stored unfinished task (no expiry) and frees it when the task finishes', async () => {
      const caps: SlotCaps = { perClient: 1, upstream: 10 };
      expect(await store.slots.reserve('alice', 'vt_1', caps, HOLD_MS)).toBeUndefined();
      expect(await store.slots.activeTaskIds('alice')).toEqual([]);
      await store.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 }));
      expect(await store.slots.activeTaskIds('alice')).toEqual(['vt_1']);
      expect(await store.slots.activeTaskIds()).toEqual(['vt_1']);
      clock.advance(10 * HOLD_MS);
      expect(await store.slots.count('alice')).toBe(1);
      expect(await store.slots.reserve('alice', 'vt_2', caps, HOLD_MS)).toBe('client');

      await store.tasks.update('vt_1', observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' }, clock.now()));
      expect(await store.slots.count('alice')).toBe(0);
      expect(await store.slots.activeTaskIds('alice')).toEqual([]);
      expect(await store.slots.reserve('alice', 'vt_2', caps, HOLD_MS)).toBeUndefined();
    });

    it('gives a task stored without a reservation a slot, and none to a task stored finished', async () => {
      await store.tasks.insert(submittedTask({ id: 'vt_running', clientId: 'alice', createdAtMs: T0 }));
      const done = finishedTask(
        { id: 'vt_done', clientId: 'alice', createdAtMs: T0 },
        { status: VideoTaskStatus.FAILED },
      );
      await store.tasks.insert(done);
      expect(await store.slots.activeTaskIds('alice')).toEqual(['vt_running']);
      expect(await store.slots.activeTaskIds('bob')).toEqual([]);
    });
  });
}
