import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Pool } from 'pg';
import { migrateToLatest } from './migrations';
import { SILENT_STORE_LOGGER, type StoreLogger } from './store-logger';
import type { StoreTarget } from './store-url';
import type { Database } from './tables';

/** Which SQL engine a database runs on; the few queries that differ switch on it. */
export type SqlEngine = 'sqlite' | 'postgres';

/** An open, migrated database and what it takes to run and close it. */
export interface SqlDatabase {
  readonly db: Kysely<Database>;
  readonly engine: SqlEngine;
  /** PostgreSQL only: the connection string, for the change feed's dedicated listening connection. */
  readonly postgresUrl?: string;
  /** PostgreSQL only: the driver's pool, shared with the rate limiter's store. */
  readonly pool?: Pool;
  /** Resolves when the database answers a real read; rejects when it is unreachable or closed. */
  ping(): Promise<void>;
  /** Closes every connection. Safe to call more than once. */
  close(): Promise<void>;
}

/** The database could not be reached or prepared; the message names the store, never a password. */
export class DatabaseOpenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatabaseOpenError';
  }
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  logger?: StoreLogger;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
}

/**
 * How long a SQLite write waits for another connection's lock before failing with SQLITE_BUSY.
 * The gateway holds one connection, so only outside tools (a backup, the sqlite3 shell) contend.
 */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;
/** How long opening a PostgreSQL connection may take before the start-up fails. */
const POSTGRES_CONNECT_TIMEOUT_MS = 5_000;

/**
 * Opens the database a `STORE_URL` names and migrates it to the latest schema.
 *
 * - SQLite (`sqlite://`): better-sqlite3, WAL with `synchronous=FULL`, so a committed write
 *   survives SIGKILL and power loss; one connection (Kysely serializes queries on it).
 * - memory (`memory://`): the same engine on an in-memory database.
 * - PostgreSQL: a `pg` pool; what several replicas share.
 *
 * @throws DatabaseOpenError when the database cannot be reached, opened or migrated
 */
export async function openDatabase(target: StoreTarget, options: OpenDatabaseOptions = {}): Promise<SqlDatabase> {
  const logger = options.logger ?? SILENT_STORE_LOGGER;
  switch (target.kind) {
    case 'sqlite':
      return openSqlite(target.path, logger);
    case 'memory':
      return openSqlite(':memory:', logger);
    case 'postgres':
      return openPostgres(target.url, options.poolSize ?? 10, logger);
  }
}

async function openSqlite(path: string, logger: StoreLogger): Promise<SqlDatabase> {
  const memory = path === ':memory:';
  let connection: BetterSqlite3.Database;
  try {
    if (!memory) await mkdir(dirname(path), { recursive: true });
    connection = new BetterSqlite3(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    const journalMode = memory ? 'memory' : connection.pragma('journal_mode = WAL', { simple: true });
    connection.pragma('synchronous = FULL');
    connection.pragma('foreign_keys = ON');
    if (!memory && journalMode !== 'wal') {
      // Some file systems (network mounts) cannot hold a WAL; rollback journal + FULL is still durable.
      logger.warn({ store: 'sqlite', path, journalMode }, 'SQLite WAL mode unavailable; using the rollback journal');
    }
  } catch (error) {
    throw new DatabaseOpenError(`cannot open SQLite store at ${path}: ${messageOf(error)}`, { cause: error });
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  await migrate(db, memory ? 'memory store' : `SQLite store at ${path}`);
  logger.info(
    memory ? { store: 'memory' } : { store: 'sqlite', path },
    memory ? 'store opened (memory: tasks are lost when the process ends)' : 'store opened',
  );
  return withLifecycle(db, 'sqlite');
}

async function openPostgres(url: string, poolSize: number, logger: StoreLogger): Promise<SqlDatabase> {
  const pool = new Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS });
  // An idle client that loses its connection emits here; without a listener that would crash the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'PostgreSQL connection error'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const where = `PostgreSQL store at ${redactPassword(url)}`;
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new DatabaseOpenError(`cannot reach the ${where}: ${messageOf(error)}`, { cause: error });
  }
  await migrate(db, where);
  logger.info({ store: 'postgres', url: redactPassword(url) }, 'store opened');
  return withLifecycle(db, 'postgres', { postgresUrl: url, pool });
}

/**
 * Migrates, retrying a few times: replicas starting at once may race to create Kysely's own
 * bookkeeping tables (`create table if not exists` is not atomic on PostgreSQL) before the
 * migration lock exists.
 */
async function migrate(db: Kysely<Database>, where: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await migrateToLatest(db as unknown as Kysely<unknown>);
      return;
    } catch (error) {
      if (attempt < 3) continue;
      await db.destroy().catch(() => undefined);
      throw new DatabaseOpenError(`cannot prepare the ${where}: ${messageOf(error)}`, { cause: error });
    }
  }
}

function withLifecycle(
  db: Kysely<Database>,
  engine: SqlEngine,
  extra: { postgresUrl?: string; pool?: Pool } = {},
): SqlDatabase {
  let closing: Promise<void> | undefined;
  return {
    db,
    engine,
    ...extra,
    async ping() {
      if (closing) throw new Error('store is closed');
      // A read of a real table, not `select 1`: that would succeed without touching the data.
      await db.selectFrom('store_meta').select('name').limit(1).execute();
    },
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  return error instanceof Error ? error.message || error.name : String(error);
}

/** `postgres://user:secret@host/db` -> `postgres://user:***@host/db`: errors and logs never carry the password. */
export function redactPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}
