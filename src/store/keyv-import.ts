import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { VideoTask } from '../domain/video-task';
import { idempotencyRowOf } from './sql-idempotency-repository';
import type { SqlTaskRepository } from './sql-task-repository';
import type { StoreLogger } from './store-logger';
import type { Database } from './tables';
import { parseTaskData } from './task-rows';

/** The `store_meta` row that says the keyv-era data was imported (and when, how much). */
const IMPORT_MARK = 'keyv-import';
/** Tasks per import transaction. */
const IMPORT_BATCH = 1_000;

const keyvEnvelope = z.object({ value: z.unknown(), expires: z.number().nullable().optional() });
const keyvIdempotencyRecord = z.object({
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
 * Imports what a gateway of the keyv era (up to release d5f7974) left in the same SQLite file:
 * its tasks (`keyv_tasks`, usage records derived again from them, exactly as that release
 * derived them) and its idempotency keys (`keyv_idempotency_keys`, with their expiry). Runs
 * once per file: a `store_meta` mark is written in the last transaction, and re-running a
 * cut-short import skips what is already there. The keyv tables are left in place, untouched.
 */
export async function importKeyvStore(
  db: Kysely<Database>,
  tasks: SqlTaskRepository,
  logger: StoreLogger,
  now: () => number = Date.now,
): Promise<void> {
  const mark = await db.selectFrom('store_meta').select('value').where('name', '=', IMPORT_MARK).executeTakeFirst();
  if (mark) return;
  const tables = await sql<{
    name: string;
  }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'keyv_%'`.execute(db);
  const names = new Set(tables.rows.map((row) => row.name));
  if (!names.has('keyv_tasks')) return;

  const started = now();
  const rows = await sql<{ key: string; value: string }>`SELECT key, value FROM keyv_tasks`.execute(db);
  let imported = 0;
  for (let start = 0; start < rows.rows.length; start += IMPORT_BATCH) {
    const batch: VideoTask[] = [];
    for (const row of rows.rows.slice(start, start + IMPORT_BATCH)) {
      const task = legacyTask(row.key, row.value);
      if (task) batch.push(task);
      else logger.warn({ key: row.key }, 'keyv import: unreadable task row left out');
    }
    imported += await tasks.insertMany(batch);
  }

  let keys = 0;
  const nowMs = now();
  if (names.has('keyv_idempotency_keys')) {
    const keyRows = await sql<{ value: string }>`SELECT value FROM keyv_idempotency_keys`.execute(db);
    for (const row of keyRows.rows) {
      const envelope = keyvEnvelope.safeParse(parseJson(row.value));
      const parsed = envelope.success ? keyvIdempotencyRecord.safeParse(envelope.data.value) : undefined;
      const expiresAtMs = envelope.success ? envelope.data.expires : undefined;
      if (!parsed?.success || typeof expiresAtMs !== 'number' || expiresAtMs <= nowMs) continue;
      const record = parsed.data.record;
      await db
        .insertInto('idempotency_keys')
        .values(idempotencyRowOf(record, expiresAtMs))
        .onConflict((conflict) => conflict.columns(['client_id', 'key']).doNothing())
        .execute();
      keys += 1;
    }
  }
  await db
    .insertInto('store_meta')
    .values({
      name: IMPORT_MARK,
      value: JSON.stringify({ tasks: imported, idempotencyKeys: keys, at: new Date(nowMs).toISOString() }),
    })
    .execute();
  logger.info(
    { tasks: imported, idempotencyKeys: keys, ms: now() - started },
    'imported the keyv-era store into SQL tables',
  );
}

function legacyTask(key: string, value: string): VideoTask | undefined {
  const envelope = keyvEnvelope.safeParse(parseJson(value));
  if (!envelope.success) return undefined;
  const id = key.startsWith('tasks:') ? key.slice('tasks:'.length) : key;
  try {
    return parseTaskData(JSON.stringify(envelope.data.value), id);
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
