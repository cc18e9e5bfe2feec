import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { IdempotencyRecord, IdempotencyRepository } from './idempotency-repository';
import { StoredDataError } from './stored-data-error';
import type { Database, IdempotencyKeysTable } from './tables';
import { integerOf } from './task-rows';

const recordState = z.enum(['pending', 'created']);

/**
 * {@link IdempotencyRepository} on the `idempotency_keys` table: primary key (client, key), so
 * a key names one submission in the whole database, whichever replica took it. An expired row
 * reads as absent and is replaced by the next claim; `purgeExpired` deletes them in bulk.
 */
export class SqlIdempotencyRepository implements IdempotencyRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(clientId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = await this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('key', '=', key)
      .where('expires_at_ms', '>', this.now())
      .executeTakeFirst();
    return row ? recordOf(row) : undefined;
  }

  async claim(record: IdempotencyRecord, ttlMs: number): Promise<IdempotencyRecord> {
    const nowMs = this.now();
    return this.db.transaction().execute(async (trx) => {
      // An expired record no longer names anything: the key is free again.
      await trx
        .deleteFrom('idempotency_keys')
        .where('client_id', '=', record.clientId)
        .where('key', '=', record.key)
        .where('expires_at_ms', '<=', nowMs)
        .execute();
      await trx
        .insertInto('idempotency_keys')
        .values(idempotencyRowOf(record, nowMs + ttlMs))
        .onConflict((conflict) => conflict.columns(['client_id', 'key']).doNothing())
        .execute();
      const row = await trx
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('client_id', '=', record.clientId)
        .where('key', '=', record.key)
        .executeTakeFirstOrThrow();
      return recordOf(row);
    });
  }

  async put(record: IdempotencyRecord, ttlMs: number): Promise<void> {
    const row = idempotencyRowOf(record, this.now() + ttlMs);
    await this.db
      .insertInto('idempotency_keys')
      .values(row)
      .onConflict((conflict) => conflict.columns(['client_id', 'key']).doUpdateSet(row))
      .execute();
  }

  async delete(clientId: string, key: string): Promise<void> {
    await this.db.deleteFrom('idempotency_keys').where('client_id', '=', clientId).where('key', '=', key).execute();
  }

  async purgeExpired(): Promise<void> {
    await this.db.deleteFrom('idempotency_keys').where('expires_at_ms', '<=', this.now()).execute();
  }
}

/** The row of `record`, expiring at `expiresAtMs`. */
export function idempotencyRowOf(record: IdempotencyRecord, expiresAtMs: number) {
  return {
    client_id: record.clientId,
    key: record.key,
    fingerprint: record.fingerprint,
    task_id: record.taskId,
    state: record.state,
    created_at_ms: Date.parse(record.createdAt),
    expires_at_ms: expiresAtMs,
  };
}

function recordOf(row: Selectable<IdempotencyKeysTable>): IdempotencyRecord {
  const state = recordState.safeParse(row.state);
  if (!state.success) throw new StoredDataError(`idempotency_keys:${row.task_id}`);
  return {
    clientId: row.client_id,
    key: row.key,
    fingerprint: row.fingerprint,
    taskId: row.task_id,
    state: state.data,
    createdAt: new Date(integerOf(row.created_at_ms, `idempotency_keys:${row.task_id}`)).toISOString(),
  };
}
