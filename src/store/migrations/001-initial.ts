import { sql, type Kysely } from 'kysely';

/**
 * The first SQL schema: tasks, usage records, idempotency keys, submission slots, usage
 * versions and store facts. Dialect-neutral (SQLite and PostgreSQL): `bigint` has INTEGER
 * affinity on SQLite, booleans are 0/1 integers, JSON is text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('hour_ms', 'bigint', (c) => c.notNull())
    .addColumn('day_ms', 'bigint', (c) => c.notNull())
    .addColumn('month_ms', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('finished', 'integer', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('resolution', 'text', (c) => c.notNull())
    .addColumn('service_tier', 'text', (c) => c.notNull())
    .addColumn('upstream_task_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until_ms', 'bigint')
    .execute();
  // videoTasks pages: a client's tasks newest first, ties by id.
  await db.schema
    .createIndex('tasks_by_client')
    .on('tasks')
    .columns(['client_id', 'created_at_ms desc', 'id desc'])
    .execute();
  // Admin usage reports over every client.
  await db.schema.createIndex('tasks_by_created_at').on('tasks').column('created_at_ms').execute();
  // The poller's leases and the active-task listing touch unfinished tasks only.
  await db.schema
    .createIndex('tasks_unfinished')
    .on('tasks')
    .columns(['lease_until_ms'])
    .where(sql.ref('finished'), '=', 0)
    .execute();

  await db.schema
    .createTable('usage_records')
    .addColumn('task_id', 'text', (c) => c.primaryKey().references('tasks.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('cost_nanos', 'bigint', (c) => c.notNull())
    .addColumn('discount_nanos', 'bigint', (c) => c.notNull())
    .addColumn('cost_usd', 'text', (c) => c.notNull())
    .addColumn('discount_usd', 'text', (c) => c.notNull())
    .addColumn('input_tokens', 'bigint', (c) => c.notNull())
    .addColumn('output_tokens', 'bigint', (c) => c.notNull())
    .addColumn('total_tokens', 'bigint', (c) => c.notNull())
    .addColumn('generated_videos', 'integer', (c) => c.notNull())
    .addColumn('video_ticks', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['client_id', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_by_expiry').on('idempotency_keys').column('expires_at_ms').execute();

  await db.schema
    .createTable('task_slots')
    .addColumn('task_id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('committed', 'integer', (c) => c.notNull())
    .addColumn('expires_at_ms', 'bigint')
    .execute();
  await db.schema.createIndex('task_slots_by_client').on('task_slots').column('client_id').execute();

  await db.schema
    .createTable('usage_versions')
    .addColumn('day_ms', 'bigint', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('store_meta')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

/** Drops everything {@link up} created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['store_meta', 'usage_versions', 'task_slots', 'idempotency_keys', 'usage_records', 'tasks']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
