import type { IdempotencyRecord, IdempotencyRepository } from '../../src/store/idempotency-repository';
import type { TestStore, TestStores } from '../support/test-stores';
import { testClock } from './test-clock';

const DAY_MS = 24 * 60 * 60 * 1000;

const recordOf = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  clientId: 'alice',
  key: 'order-42',
  fingerprint: 'f'.repeat(64),
  taskId: 'vt_1',
  state: 'pending',
  createdAt: '2026-11-21T10:00:00.000Z',
  ...overrides,
});

/** What every engine must do for idempotency records (each test gets a fresh, empty store on a test clock). */
export function describeIdempotencyRepositoryContract(stores: TestStores): void {
  describe(`idempotency repository contract: ${stores.engine}`, () => {
    const clock = testClock(Date.parse('2026-11-21T10:00:00.000Z'));
    let opened: TestStore;
    let repo: IdempotencyRepository;
    beforeEach(async () => {
      clock.reset();
      opened = await stores.open({ now: clock.now });
      repo = opened.store.idempotency;
    });

    it('returns what was put, and nothing for unknown keys', async () => {
      await repo.put(recordOf(), DAY_MS);
      expect(await repo.get('alice', 'order-42')).toEqual(recordOf());
      expect(await repo.get('alice', 'order-43')).toBeUndefined();
    });

    it('scopes keys per client', async () => {
      await repo.put(recordOf(), DAY_MS);
      expect(await repo.get('bob', 'order-42')).toBeUndefined();
      await repo.put(recordOf({ clientId: 'bob', taskId: 'vt_2' }), DAY_MS);
      expect((await repo.get('alice', 'order-42'))?.taskId).toBe('vt_1');
      expect((await repo.get('bob', 'order-42'))?.taskId).toBe('vt_2');
    });

    it('does not confuse clients and keys that concatenate alike', async () => {
      await repo.put(recordOf({ clientId: 'a', key: 'b:c' }), DAY_MS);
      expect(await repo.get('a:b', 'c')).toBeUndefined();
    });

    it('replaces a record (pending -> created) and deletes one', async () => {
      await repo.put(recordOf(), DAY_MS);
      await repo.put(recordOf({ state: 'created' }), DAY_MS);
      expect((await repo.get('alice', 'order-42'))?.state).toBe('created');
      await repo.delete('alice', 'order-42');
      expect(await repo.get('alice', 'order-42')).toBeUndefined();
    });

    it('keeps long keys and unicode exactly', async () => {
      const key = `${'ключ-🔑-'.repeat(20)}end`;
      await repo.put(recordOf({ key }), DAY_MS);
      expect((await repo.get('alice', key))?.key).toBe(key);
      expect(await repo.get('alice', key.slice(0, -1))).toBeUndefined();
    });

    it('forgets a record once its time to live is over', async () => {
      await repo.put(recordOf({ key: 'short-lived' }), 300);
      await repo.put(recordOf({ key: 'long-lived' }), DAY_MS);
      clock.advance(299);
      expect(await repo.get('alice', 'short-lived')).toBeDefined();
      clock.advance(1);
      expect(await repo.get('alice', 'short-lived')).toBeUndefined();
      expect(await repo.get('alice', 'long-lived')).toBeDefined();
    });

    it('claims a free key: the record itself is stored and returned', async () => {
      expect(await repo.claim(recordOf(), DAY_MS)).toEqual(recordOf());
      expect(await repo.get('alice', 'order-42')).toEqual(recordOf());
    });

    it('answers a claim of a taken key with the holder, changing nothing', async () => {
      await repo.claim(recordOf({ state: 'created' }), DAY_MS);
      const second = recordOf({ taskId: 'vt_2', fingerprint: 'e'.repeat(64) });
      expect(await repo.claim(second, DAY_MS)).toEqual(recordOf({ state: 'created' }));
      expect(await repo.get('alice', 'order-42')).toEqual(recordOf({ state: 'created' }));
      // Another client's same key is its own.
      expect(await repo.claim({ ...second, clientId: 'bob' }, DAY_MS)).toEqual({ ...second, clientId: 'bob' });
    });

    it('lets exactly one of ten concurrent claims of one key win; all ten get the winner', async () => {
      const claims = Array.from({ length: 10 }, (_, i) => recordOf({ taskId: `vt_${i}` }));
      const results = await Promise.all(claims.map((record) => repo.claim(record, DAY_MS)));
      const winner = results[0]!;
      expect(claims).toContainEqual(winner);
      expect(results).toEqual(Array.from({ length: 10 }, () => winner));
      expect(await repo.get('alice', 'order-42')).toEqual(winner);
    });

    if (stores.engine === 'postgres') {
      it('lets one of ten concurrent claims win across two store instances (replicas)', async () => {
        const other = (await opened.openAgain!({ now: clock.now })).idempotency;
        const claims = Array.from({ length: 10 }, (_, i) => recordOf({ taskId: `vt_${i}` }));
        const results = await Promise.all(claims.map((record, i) => (i % 2 ? other : repo).claim(record, DAY_MS)));
        expect(new Set(results.map((r) => r.taskId)).size).toBe(1);
        expect(await other.get('alice', 'order-42')).toEqual(results[0]);
      });
    }

    it('replaces an expired record on claim, with the new time to live', async () => {
      await repo.claim(recordOf({ taskId: 'vt_old' }), 1_000);
      clock.advance(1_000);
      expect(await repo.claim(recordOf({ taskId: 'vt_new' }), 5_000)).toEqual(recordOf({ taskId: 'vt_new' }));
      clock.advance(4_999);
      expect((await repo.get('alice', 'order-42'))?.taskId).toBe('vt_new');
      clock.advance(1);
      expect(await repo.get('alice', 'order-42')).toBeUndefined();
    });

    it('lets exactly one of ten concurrent claims replace an expired record', async () => {
      await repo.claim(recordOf({ taskId: 'vt_old' }), 1_000);
      clock.advance(1_000);
      const others = stores.engine === 'postgres' ? (await opened.openAgain!({ now: clock.now })).idempotency : repo;
      const claims = Array.from({ length: 10 }, (_, i) => recordOf({ taskId: `vt_${i}` }));
      const results = await Promise.all(claims.map((record, i) => (i % 2 ? others : repo).claim(record, DAY_MS)));
      expect(claims).toContainEqual(results[0]);
      expect(results).toEqual(Array.from({ length: 10 }, () => results[0]));
    });

    it('purges expired records and keeps live ones', async () => {
      await repo.put(recordOf({ key: 'expired' }), 1);
      await repo.put(recordOf({ key: 'live' }), DAY_MS);
      clock.advance(2);
      await repo.purgeExpired();
      await repo.purgeExpired();
      expect(await repo.get('alice', 'live')).toBeDefined();
      // Gone from the table, not only hidden: even a clock turned back does not bring it back.
      clock.advance(-2);
      expect(await repo.get('alice', 'expired')).toBeUndefined();
      expect(await repo.get('alice', 'live')).toBeDefined();
    });

    if (stores.persistent) {
      it('keeps records across a reopen', async () => {
        await repo.put(recordOf({ state: 'created' }), DAY_MS);
        await opened.store.close();
        const again = (await opened.openAgain!({ now: clock.now })).idempotency;
        expect(await again.get('alice', 'order-42')).toEqual(recordOf({ state: 'created' }));
      });
    }
  });
}
