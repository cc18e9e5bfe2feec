import { VideoTaskStatus } from '../../src/domain/task-status';
import { ActiveTaskSlots, type SlotReservation } from '../../src/services/active-task-slots';
import { openIndexedStore } from '../../src/store/open-indexed-store';
import { queuedTask } from '../support/fixtures';

const reserve = (slots: ActiveTaskSlots, clientId: string): SlotReservation => {
  const reservation = slots.tryReserve(clientId);
  if (typeof reservation === 'string') throw new Error(`refused: ${reservation}`);
  return reservation;
};

describe('ActiveTaskSlots', () => {
  it('refuses beyond the per-client cap, and the upstream cap before it', () => {
    const slots = new ActiveTaskSlots({ perClient: 2, upstream: 3 });
    reserve(slots, 'alice').commit('vt_a1');
    reserve(slots, 'alice');
    expect(slots.tryReserve('alice')).toBe('client');
    reserve(slots, 'bob').commit('vt_b1');
    expect(slots.tryReserve('bob')).toBe('upstream');
    expect(slots.tryReserve('alice')).toBe('upstream');
    expect(slots.count()).toBe(3);
    expect(slots.count('alice')).toBe(2);
    expect(slots.activeTaskIds('alice')).toEqual(['vt_a1']);
  });

  it('frees a slot once, when its task is seen terminal or its create is released', () => {
    const slots = new ActiveTaskSlots({ perClient: 1, upstream: 10 });
    reserve(slots, 'alice').commit('vt_1');
    slots.observe(queuedTask({ id: 'vt_1', status: VideoTaskStatus.RUNNING }));
    expect(slots.tryReserve('alice')).toBe('client');
    slots.observe(queuedTask({ id: 'vt_1', status: VideoTaskStatus.SUCCEEDED }));
    slots.observe(queuedTask({ id: 'vt_1', status: VideoTaskStatus.SUCCEEDED }));
    expect(slots.count()).toBe(0);

    const released = reserve(slots, 'alice');
    released.release();
    released.release();
    released.commit('vt_2'); // settled already: ignored
    expect(slots.count('alice')).toBe(0);
    expect(slots.activeTaskIds()).toEqual([]);
  });

  it('forgets the slot of a task nothing follows any more, once', () => {
    const slots = new ActiveTaskSlots({ perClient: 1, upstream: 10 });
    reserve(slots, 'alice').commit('vt_gone');
    slots.forget('vt_gone');
    slots.forget('vt_gone');
    slots.forget('vt_unknown');
    expect(slots.count()).toBe(0);
    expect(typeof slots.tryReserve('alice')).toBe('object');
  });

  it('loads the unfinished tasks of a store', async () => {
    const store = await openIndexedStore('memory://');
    try {
      await store.tasks.insert(queuedTask({ id: 'vt_q', clientId: 'alice' }));
      await store.tasks.insert(queuedTask({ id: 'vt_done', clientId: 'alice', status: VideoTaskStatus.SUCCEEDED }));
      await store.tasks.insert(queuedTask({ id: 'vt_b', clientId: 'bob', status: VideoTaskStatus.RUNNING }));
      const slots = new ActiveTaskSlots({ perClient: 1, upstream: 10 });
      await slots.load(store.tasks);
      expect(slots.count()).toBe(2);
      expect(slots.tryReserve('alice')).toBe('client');
      slots.observe(queuedTask({ id: 'vt_q', clientId: 'alice', status: VideoTaskStatus.FAILED }));
      expect(typeof slots.tryReserve('alice')).toBe('object');
    } finally {
      await store.close();
    }
  });
});
