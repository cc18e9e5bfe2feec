import { sql, type Kysely } from 'kysely';

/**
 * Hourly usage rollups: per client, UTC hour and dimension group, the sums a usage report
 * adds up, kept in step by the task writes themselves (in their transactions). A report then
 * reads a few rows per hour instead of every task, whatever the number of tasks. Filled from
 * the tasks and usage records already stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('usage_rollups')
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('hour_ms', 'bigint', (c) => c.notNull())
    .addColumn('day_ms', 'bigint', (c) => c.notNull())
    .addColumn('month_ms', 'bigint', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('resolution', 'text', (c) => c.notNull())
    .addColumn('service_tier', 'text', (c) => c.notNull())
    .addColumn('tasks', 'bigint', (c) => c.notNull())
    .addColumn('succeeded', 'bigint', (c) => c.notNull())
    .addColumn('failed', 'bigint', (c) => c.notNull())
    .addColumn('expired', 'bigint', (c) => c.notNull())
    .addColumn('cost_nanos', 'bigint', (c) => c.notNull())
    .addColumn('discount_nanos', 'bigint', (c) => c.notNull())
    .addColumn('input_tokens', 'bigint', (c) => c.notNull())
    .addColumn('output_tokens', 'bigint', (c) => c.notNull())
    .addColumn('total_tokens', 'bigint', (c) => c.notNull())
    .addColumn('generated_videos', 'bigint', (c) => c.notNull())
    .addColumn('video_ticks', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('usage_rollups_pk', [
      'client_id',
      'hour_ms',
      'model',
      'mode',
      'resolution',
      'service_tier',
    ])
    .execute();
  // Reports over every client (admins) read by hour.
  await db.schema.createIndex('usage_rollups_by_hour').on('usage_rollups').column('hour_ms').execute();

  await sql`
    INSERT INTO usage_rollups
    SELECT t.client_id, t.hour_ms, t.day_ms, t.month_ms, t.model, t.mode, t.resolution, t.service_tier,
      COUNT(*),
      SUM(CASE WHEN u.status = 'SUCCEEDED' THEN 1 ELSE 0 END),
      SUM(CASE WHEN u.status = 'FAILED' THEN 1 ELSE 0 END),
      SUM(CASE WHEN u.status = 'EXPIRED' THEN 1 ELSE 0 END),
      COALESCE(SUM(u.cost_nanos), 0), COALESCE(SUM(u.discount_nanos), 0),
      COALESCE(SUM(u.input_tokens), 0), COALESCE(SUM(u.output_tokens), 0), COALESCE(SUM(u.total_tokens), 0),
      COALESCE(SUM(u.generated_videos), 0), COALESCE(SUM(u.video_ticks), 0)
    FROM tasks t LEFT JOIN usage_records u ON u.task_id = t.id
    GROUP BY t.client_id, t.hour_ms, t.day_ms, t.month_ms, t.model, t.mode, t.resolution, t.service_tier
  `.execute(db);
}

/** Drops the rollups. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('usage_rollups').ifExists().execute();
}
