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
  /**
   * Stores `record` unless its (client, key) already names a live record, atomically (also
   * across replicas), and resolves to the record that holds the key: `record` itself when it
   * won, else the one already there. The write-ahead step of a keyed submission.
   */
  claim(record: IdempotencyRecord, ttlMs: number): Promise<IdempotencyRecord>;
  /** Stores (or replaces) the record of its (client, key), expiring after `ttlMs`. */
  put(record: IdempotencyRecord, ttlMs: number): Promise<void>;
  delete(clientId: string, key: string): Promise<void>;
  /** Removes the records whose time to live is over (a read only hides them; this frees the space). */
  purgeExpired(): Promise<void>;
}
