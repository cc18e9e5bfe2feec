import type { Kysely } from 'kysely';

/**
 * One heartbeat row per replica: renewing a replica's poll leases is one small write to its own
 * row instead of a rewrite of every unfinished task row it holds (which, with the task's JSON,
 * indexes and dead row versions, grew with the number of tasks).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('replica_heartbeats')
    .addColumn('replica_id', 'text', (c) => c.primaryKey())
    .addColumn('alive_until_ms', 'bigint', (c) => c.notNull())
    .execute();
}

/** Drops the heartbeats. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('replica_heartbeats').ifExists().execute();
}
