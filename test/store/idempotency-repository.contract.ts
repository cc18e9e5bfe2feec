import type { IdempotencyRecord, IdempotencyRepository } from '../../src/store/idempotency-repository';
import { waitFor } from '../support/wait-for';

/** An idempotency repository opened for one test, as a backend's test file provides it. */
export interface OpenedIdempotencyRepository {
  repo: IdempotencyRepository;
  close(): Promise<void>;
  /** Persistent backends only: opens the same data again (after `close`). */
  reopen?: () => Promise<OpenedIdempotencyRepository>;
}

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

/** What every backend must do for idempotency records (`open` gives a fresh, empty store). */
export function describeIdempotencyRepositoryContract(name: string, open: () => Promise<OpenedIdempotencyRepository>): void {
  describe(`idempotency repository contract: ${name}`, () => {
    let opened: OpenedIdempotencyRepository;
    beforeEach(async () => {
      opened = await open();
    });
    afterEach(async () => {
      await opened.close();
    });

    it('returns what was put, and nothing for unknown keys', async () => {
      await opened.repo.put(recordOf(), DAY_MS);
      expect(await opened.repo.get('alice', 'order-42')).toEqual(recordOf());
      expect(await opened.repo.get('alice', 'order-43')).toBeUndefined();
    });

    it('scopes keys per client', async () => {
      await opened.repo.put(recordOf(), DAY_MS);
      expect(await opened.repo.get('bob', 'order-42')).toBeUndefined();
      await opened.repo.put(recordOf({ clientId: 'bob', taskId: 'vt_2' }), DAY_MS);
      expect((await opened.repo.get('alice', 'order-42'))?.taskId).toBe('vt_1');
      expect((await opened.repo.get('bob', 'order-42'))?.taskId).toBe('vt_2');
    });

    it('does not confuse clients and keys that concatenate alike', async () => {
      await opened.repo.put(recordOf({ clientId: 'a', key: 'b:c' }), DAY_MS);
      expect(await opened.repo.get('a:b', 'c')).toBeUndefined();
    });

    it('replaces a record (pending -> created) and deletes one', async () => {
      await opened.repo.put(recordOf(), DAY_MS);
      await opened.repo.put(recordOf({ state: 'created' }), DAY_MS);
      expect((await opened.repo.get('alice', 'order-42'))?.state).toBe('created');
      await opened.repo.delete('alice', 'order-42');
      expect(await opened.repo.get('alice', 'order-42')).toBeUndefined();
    });

    it('keeps long keys and unicode exactly', async () => {
      const key = `${'ключ-🔑-'.repeat(20)}end`;
      await opened.repo.put(recordOf({ key }), DAY_MS);
      expect((await opened.repo.get('alice', key))?.key).toBe(key);
      expect(await opened.repo.get('alice', key.slice(0, -1))).toBeUndefined();
    });

    it('forgets a record after its time to live', async () => {
      await opened.repo.put(recordOf({ key: 'short-lived' }), 300);
      await opened.repo.put(recordOf({ key: 'long-lived' }), DAY_MS);
      await waitFor(() => opened.repo.get('alice', 'short-lived'), (record) => record === undefined, { what: 'the record to expire', timeoutMs: 5_000 });
      expect(await opened.repo.get('alice', 'long-lived')).toBeDefined();
    });

    it('purges expired records and keeps live ones', async () => {
      const written = Date.now();
      await opened.repo.put(recordOf({ key: 'expired' }), 1);
      await opened.repo.put(recordOf({ key: 'live' }), DAY_MS);
      await waitFor(() => Date.now(), (now) => now > written + 2, { what: 'the 1 ms record to be over' });
      await opened.repo.purgeExpired();
      await opened.repo.purgeExpired();
      expect(await opened.repo.get('alice', 'live')).toBeDefined();
      expect(await opened.repo.get('alice', 'expired')).toBeUndefined();
    });

    it('keeps records across a reopen (persistent backends)', async () => {
      if (!opened.reopen) return;
      await opened.repo.put(recordOf({ state: 'created' }), DAY_MS);
      await opened.close();
      opened = await opened.reopen();
      expect(await opened.repo.get('alice', 'order-42')).toEqual(recordOf({ state: 'created' }));
    });
  });
}
