import type { Kysely } from 'kysely';

/**
 * The history index also carries each task's status and mode, so a filtered page decides from
 * the index which rows it wants and reads only those (on PostgreSQL as an index-only scan).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('tasks_by_client').execute();
  await db.schema
    .createIndex('tasks_by_client')
    .on('tasks')
    .columns(['client_id', 'created_at_ms desc', 'id desc', 'status', 'mode'])
    .execute();
}

/** Back to the index of 001. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('tasks_by_client').execute();
  await db.schema
    .createIndex('tasks_by_client')
    .on('tasks')
    .columns(['client_id', 'created_at_ms desc', 'id desc'])
    .execute();
}
