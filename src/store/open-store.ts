import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { VideoTask } from '../domain/video-task';
import { CachedTaskRepository } from './cached-task-repository';
import { openCaches, type GatewayCaches } from './caches';
import type { IdempotencyRepository } from './idempotency-repository';
import { importKeyvStore } from './keyv-import';
import { openDatabase, type SqlDatabase, type SqlEngine } from './open-database';
import { PollLeases } from './poll-leases';
import { openPostgresChangeFeed } from './postgres-change-feed';
import { SqlIdempotencyRepository } from './sql-idempotency-repository';
import { SqlTaskRepository } from './sql-task-repository';
import { SILENT_STORE_LOGGER, type StoreLogger } from './store-logger';
import { parseStoreUrl } from './store-url';
import { createLocalChangeFeed, type TaskChangeAnnouncer, type TaskChangeFeed } from './task-change-feed';
import { TaskHistoryQueries } from './task-history-queries';
import { TaskSlots } from './task-slots';
import { UsageQueries } from './usage-queries';

/** How often expired idempotency keys are deleted. */
export const IDEMPOTENCY_SWEEP_INTERVAL_MS = 60 * 60 * 1000;
/** Default length of a poll lease (see `PollLeases`): a dead replica's tasks move within about this. */
export const DEFAULT_LEASE_MS = 10_000;

/** The gateway's system of record (SQL) with its caches (keyv) and its change feed. */
export interface GatewayStore {
  readonly engine: SqlEngine;
  /** This process's name in poll leases: random per process on PostgreSQL, `local` on SQLite. */
  readonly replicaId: string;
  readonly leaseMs: number;
  /** Video tasks (finished ones cached). */
  readonly tasks: CachedTaskRepository;
  readonly idempotency: IdempotencyRepository;
  /** Each client's tasks, newest first. */
  readonly history: TaskHistoryQueries;
  /** Grouped usage sums. */
  readonly usage: UsageQueries;
  readonly caches: GatewayCaches;
  /** Submission slots (the unfinished-task caps). */
  readonly slots: TaskSlots;
  /** Which replica polls which task. */
  readonly leases: PollLeases;
  /** Every stored change, from every replica. */
  readonly changes: TaskChangeFeed;
  /** PostgreSQL only: the pool, for stores of other libraries (the submission rate limiter). */
  readonly postgresPool?: Pool;
  /** Resolves when the database answers a real read (`/readyz`). */
  ping(): Promise<void>;
  /**
   * Waits for task writes in progress, stops the sweep, the change feed and the caches, then closes
   * the database. Safe to call twice.
   */
  close(): Promise<void>;
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  logger?: StoreLogger;
  /** Base of a relative `sqlite://` path (default: the process's working directory). */
  cwd?: string;
  /** `CACHE_URL`: Redis for the caches; in-process when unset. */
  cacheUrl?: string;
  /** Length of a poll lease (default {@link DEFAULT_LEASE_MS}). */
  leaseMs?: number;
  idempotencySweepMs?: number;
  now?: () => number;
  /** Told about every task write this process commits (see `SqlTaskRepository`). */
  onTaskWrite?: (before: VideoTask | undefined, after: VideoTask) => void;
}

/**
 * Opens the store a `STORE_URL` names: `sqlite://<path>` (the embedded default; a keyv-era
 * store in the same file is imported once), `memory://` or `postgres://...` (what replicas
 * share), migrated to the latest schema, with the caches `cacheUrl` names.
 *
 * @throws StoreUrlError for a malformed URL or an unsupported scheme
 * @throws DatabaseOpenError when the database cannot be reached, opened or migrated
 * @throws CacheOpenError when `cacheUrl` is unusable
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<GatewayStore> {
  const logger = options.logger ?? SILENT_STORE_LOGGER;
  const now = options.now ?? Date.now;
  const target = parseStoreUrl(url, options.cwd);
  const database = await openDatabase(target, { logger });
  const cleanup: Array<() => Promise<void>> = [() => database.close()];
  try {
    const replicaId = database.engine === 'postgres' ? `replica-${randomUUID()}` : 'local';
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    const { feed, announcer } = await openChangeFeed(database, logger);
    cleanup.unshift(() => feed.close());
    const caches = await openCaches({ url: options.cacheUrl, logger, scope: await storeIdOf(database) });
    cleanup.unshift(() => caches.close());

    const sqlTasks = new SqlTaskRepository({
      db: database.db,
      announcer,
      lease: { owner: replicaId, leaseMs },
      now,
      onWrite: options.onTaskWrite,
    });
    if (target.kind === 'sqlite') await importKeyvStore(database.db, sqlTasks, logger, now);
    const idempotency = new SqlIdempotencyRepository(database.db, now);
    // Expired keys already read as absent; the sweep frees their rows.
    let sweeping: Promise<void> = Promise.resolve();
    const sweep = setInterval(() => {
      sweeping = idempotency
        .purgeExpired()
        .catch((error: unknown) => logger.warn({ err: error }, 'idempotency key sweep failed'));
    }, options.idempotencySweepMs ?? IDEMPOTENCY_SWEEP_INTERVAL_MS).unref();

    let closing: Promise<void> | undefined;
    return {
      engine: database.engine,
      replicaId,
      leaseMs,
      tasks: new CachedTaskRepository(sqlTasks, caches.tasks),
      idempotency,
      history: new TaskHistoryQueries(database.db),
      usage: new UsageQueries(database.db),
      caches,
      slots: new TaskSlots(database.db, database.engine, now),
      leases: new PollLeases(database.db, database.engine, now),
      changes: feed,
      postgresPool: database.pool,
      ping: () => database.ping(),
      close() {
        clearInterval(sweep);
        // Writes in progress (a poller's update, a create being stored) land before the database closes.
        closing ??= Promise.all([sweeping, sqlTasks.drain()]).then(() => closeAll(cleanup));
        return closing;
      },
    };
  } catch (error) {
    await closeAll(cleanup).catch(() => undefined);
    throw error;
  }
}

async function openChangeFeed(
  database: SqlDatabase,
  logger: StoreLogger,
): Promise<{ feed: TaskChangeFeed; announcer: TaskChangeAnnouncer }> {
  if (database.engine === 'sqlite' || !database.postgresUrl) {
    return createLocalChangeFeed((error) => logger.error({ err: error }, 'task change listener failed'));
  }
  const reader = new SqlTaskRepository({
    db: database.db,
    announcer: { within: async () => undefined, after: () => undefined },
  });
  return openPostgresChangeFeed({ connectionString: database.postgresUrl, readTask: (id) => reader.get(id), logger });
}

/** This database's id, made once (by whichever replica migrates first) and kept in `store_meta`. */
async function storeIdOf(database: SqlDatabase): Promise<string> {
  await database.db
    .insertInto('store_meta')
    .values({ name: 'store-id', value: randomUUID() })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const row = await database.db
    .selectFrom('store_meta')
    .select('value')
    .where('name', '=', 'store-id')
    .executeTakeFirstOrThrow();
  return row.value;
}

/** Runs every step, in order, even when one fails; rethrows the first failure. */
async function closeAll(steps: ReadonlyArray<() => Promise<void>>): Promise<void> {
  let failure: unknown;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}
