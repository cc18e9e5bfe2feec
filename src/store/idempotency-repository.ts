import { createHash } from 'node:crypto';
import type { Keyv } from 'keyv';
import { z } from 'zod';
import { StoredDataError } from './stored-data-error';

/** Namespace of the idempotency records. */
export const IDEMPOTENCY_NAMESPACE = 'idempotency_keys';

/**
 * What a client's idempotency key names. `pending` is written before the upstream create (a
 * write-ahead record: the task id exists before the create so the outcome can be found after
 * a crash); `created` once the task is stored.
 */
export interface IdempotencyRecord {
  clientId: string;
  key: string;
  /** `fingerprintGeneration` of the submitted input. */
  fingerprint: string;
  taskId: string;
  state: 'pending' | 'created';
  /** ISO time of the first submission with this key. */
  createdAt: string;
}

/**
 * Idempotency records, one per (client, key), each expiring `ttlMs` after it was written.
 * Keys are scoped per client: two clients may use the same key for different submissions.
 * Implementations pass `test/store/idempotency-repository.contract.ts`.
 */
export interface IdempotencyRepository {
  get(clientId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Stores (or replaces) the record of its (client, key), expiring after `ttlMs`. */
  put(record: IdempotencyRecord, ttlMs: number): Promise<void>;
  delete(clientId: string, key: string): Promise<void>;
  /** Removes the records whose time to live is over (a read only hides them; this frees the space). */
  purgeExpired(): Promise<void>;
}

const storedRecord = z.object({
  v: z.literal(1),
  record: z.object({
    clientId: z.string().min(1),
    key: z.string().min(1),
    fingerprint: z.string().min(1),
    taskId: z.string().min(1),
    state: z.enum(['pending', 'created']),
    createdAt: z.string(),
  }),
});

/**
 * {@link IdempotencyRepository} on a keyv namespace; expiry is keyv's own ttl (an expired
 * record reads as absent and is removed on that read). The store key is a digest of client
 * and key, so a 255-character key and a long client id never make an unbounded store key.
 */
export class KeyvIdempotencyRepository implements IdempotencyRepository {
  constructor(private readonly keyv: Keyv) {}

  async get(clientId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const storeKey = storeKeyOf(clientId, key);
    const value: unknown = await this.keyv.get(storeKey);
    if (value === undefined || value === null) return undefined;
    const parsed = storedRecord.safeParse(value);
    if (!parsed.success) throw new StoredDataError(`${IDEMPOTENCY_NAMESPACE}:${storeKey}`);
    const record = parsed.data.record;
    // A digest collision (or a hand-edited row) must not hand one client's task to another.
    return record.clientId === clientId && record.key === key ? record : undefined;
  }

  async put(record: IdempotencyRecord, ttlMs: number): Promise<void> {
    if (!(await this.keyv.set(storeKeyOf(record.clientId, record.key), { v: 1, record }, ttlMs))) {
      throw new Error('store write of an idempotency record failed');
    }
  }

  async delete(clientId: string, key: string): Promise<void> {
    await this.keyv.delete(storeKeyOf(clientId, key));
  }

  async purgeExpired(): Promise<void> {
    // keyv's iterator deletes each expired entry it meets. (The SQLite adapter pages with
    // OFFSET, so a deletion can shift a row past a page boundary: the next sweep gets it.)
    if (!this.keyv.iterator) return;
    for await (const entry of this.keyv.iterator(this.keyv.namespace)) void entry;
  }
}

function storeKeyOf(clientId: string, key: string): string {
  return createHash('sha256').update(JSON.stringify([clientId, key])).digest('base64url');
}
