import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyvSqlite } from '@keyv/sqlite';
import { Keyv, type Deserialize, type Serialize } from 'keyv';
import { SILENT_STORE_LOGGER, type StoreLogger } from './store-logger';
import type { StoreTarget } from './store-url';

/**
 * Every keyv adapter and `Keyv` instance of the gateway is built here, and nowhere else:
 * repositories receive ready `Keyv` instances, one per namespace, and never see an adapter,
 * a file path or a pragma.
 */

/** The `Keyv` instances for the namespaces asked for, and the lifecycle of what backs them. */
export interface KeyvStores<N extends string> {
  /** One `Keyv` per namespace, each on its own adapter instance (see {@link openKeyvStores}). */
  readonly keyv: Readonly<Record<N, Keyv>>;
  /** Resolves when the backend answers a real read; rejects when it does not (closed, unreadable). */
  ping(): Promise<void>;
  /** Closes every adapter. Safe to call more than once. */
  close(): Promise<void>;
}

/** Options of {@link openKeyvStores}. */
export interface OpenKeyvStoresOptions {
  logger?: StoreLogger;
}

/**
 * How long a SQLite connection waits for another connection's write lock before failing with
 * SQLITE_BUSY. Each namespace has its own connection, so the gateway's own writes contend
 * with each other; they are single-row statements that hold the lock for well under a
 * millisecond, so waiting is always right and 5 s only bounds a wedged peer.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * Rows fetched per page by the SQLite adapter's `iterator()` (its default is 10). The adapter
 * pages with LIMIT/OFFSET, so small pages cost a query each and, worse, a row deleted between
 * two pages shifts later rows back past the offset and they are skipped. Large pages make a
 * full listing one query for any realistic number of active tasks.
 */
export const SQLITE_ITERATION_PAGE_SIZE = 1_000;

/**
 * Values are the domain's plain JSON, so they are stored as plain JSON. keyv's default
 * serializer would also work, but it rewrites strings that start with ":" (its escape for
 * Buffers); plain JSON keeps rows exact and readable with the sqlite3 shell.
 */
const serialize: Serialize = (data) => JSON.stringify(data);
// JSON.parse is `any`: the value is the `{ value, expires }` envelope keyv itself serialized.
const deserialize: Deserialize = (text) => JSON.parse(text);

/**
 * Opens one `Keyv` per namespace on the backend `target` names.
 *
 * In keyv 5 a `Keyv` writes its namespace onto the adapter (`adapter.namespace = ...`), and
 * the adapter uses that field for `clear()` and the iterator's key filter. Two namespaces
 * sharing one adapter would therefore clear and enumerate each other's keys, so every
 * namespace gets its own adapter: its own `Map` in memory, its own connection (and table) on
 * the SQLite file.
 *
 * `throwOnErrors` is on for every instance: by default keyv only emits backend errors and
 * answers `get` with `undefined`, which would turn "the disk failed" into "no such task".
 *
 * @param namespaces namespace names; each must be a non-empty identifier (`[A-Za-z][A-Za-z0-9_]*`)
 *   because on SQLite it also names the table
 */
export async function openKeyvStores<N extends string>(
  target: StoreTarget,
  namespaces: readonly N[],
  options: OpenKeyvStoresOptions = {},
): Promise<KeyvStores<N>> {
  const logger = options.logger ?? SILENT_STORE_LOGGER;
  for (const namespace of namespaces) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(namespace)) throw new Error(`invalid store namespace "${namespace}"`);
  }
  if (new Set(namespaces).size !== namespaces.length) throw new Error('store namespaces must be distinct');

  switch (target.kind) {
    case 'memory':
      return openMemory(namespaces, logger);
    case 'sqlite':
      return openSqlite(target.path, namespaces, logger);
  }
}

function newKeyv(store: KeyvSqlite | Map<string, unknown>, namespace: string, logger: StoreLogger): Keyv {
  const keyv = new Keyv({ store, namespace, serialize, deserialize, throwOnErrors: true });
  // Errors of a call already reach its caller (throwOnErrors); this catches the ones raised
  // outside any call, such as a connection that fails after the store was opened.
  keyv.on('error', (error: unknown) => logger.warn({ err: error, namespace }, 'store backend reported an error'));
  return keyv;
}

function openMemory<N extends string>(namespaces: readonly N[], logger: StoreLogger): KeyvStores<N> {
  // keyv serializes values before they reach the Map, so stored state is strings and
  // nothing a caller holds can alias it.
  const keyv = Object.fromEntries(namespaces.map((namespace) => [namespace, newKeyv(new Map(), namespace, logger)])) as Record<N, Keyv>;
  let closed = false;
  logger.info({ store: 'memory' }, 'store opened (memory: tasks are lost when the process ends)');
  return {
    keyv,
    async ping() {
      if (closed) throw new Error('store is closed');
    },
    async close() {
      closed = true;
    },
  };
}

/** Table of a namespace: one table per namespace (see {@link openSqlite}). */
function sqliteTable(namespace: string): string {
  return `keyv_${namespace}`;
}

/**
 * SQLite through `@keyv/sqlite` (node-sqlite3): one connection and one table per namespace,
 * all in one file.
 *
 * Why a table per namespace: the adapter's iterator selects `key LIKE 'ns:%'`, which SQLite
 * cannot answer from the primary-key index (LIKE is case-insensitive), so on a shared table
 * listing a small namespace (the active-task index) would scan every task ever stored.
 *
 * Durability: every keyv call is one autocommit statement. `journal_mode=WAL` (recorded in the
 * file, so set once) lets readers run while a write commits and makes a commit a single
 * append to the -wal file; `synchronous=FULL` (per connection) fsyncs that append before the
 * statement returns. A committed write therefore survives SIGKILL (which only needs the
 * write() to have happened) and also an OS crash or power loss. The cost is an fsync per
 * write, which is fine for a store written once per task state change.
 */
async function openSqlite<N extends string>(path: string, namespaces: readonly N[], logger: StoreLogger): Promise<KeyvStores<N>> {
  await mkdir(dirname(path), { recursive: true });

  const adapters: Array<{ namespace: N; adapter: KeyvSqlite }> = [];
  const closeAll = async (): Promise<void> => {
    // Settle all, so one failing close does not leave the other connections open.
    const results = await Promise.allSettled(adapters.map(({ adapter }) => adapter.disconnect()));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  };

  const keyv = {} as Record<N, Keyv>;
  let journalMode: unknown;
  try {
    // Sequentially: the journal-mode switch must not race the other connections' CREATE TABLE.
    for (const namespace of namespaces) {
      const adapter = new KeyvSqlite({
        uri: `sqlite://${path}`,
        table: sqliteTable(namespace),
        busyTimeout: SQLITE_BUSY_TIMEOUT_MS,
        iterationLimit: SQLITE_ITERATION_PAGE_SIZE,
      });
      adapters.push({ namespace, adapter });
      // Wrap at once: Keyv subscribes to the adapter's 'error' event, without which a failed
      // connection would be an unhandled EventEmitter error.
      keyv[namespace] = newKeyv(adapter, namespace, logger);
      if (journalMode === undefined) {
        // The first query also surfaces a failed open (bad path, permissions, not a database).
        const rows = (await adapter.query('PRAGMA journal_mode=WAL')) as Array<{ journal_mode?: string }>;
        journalMode = rows[0]?.journal_mode;
      }
      await adapter.query('PRAGMA synchronous=FULL');
      // The adapter created its table on connect; prove it is there and readable.
      await adapter.query(`SELECT 1 FROM ${sqliteTable(namespace)} LIMIT 1`);
    }
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw new Error(`cannot open SQLite store at ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (journalMode !== 'wal') {
    // Some file systems (network mounts) cannot hold a WAL; rollback journal + FULL is still durable.
    logger.warn({ store: 'sqlite', path, journalMode }, 'SQLite WAL mode unavailable; using the rollback journal');
  }
  logger.info({ store: 'sqlite', path, journalMode }, 'store opened');

  let closing: Promise<void> | undefined;
  return {
    keyv,
    async ping() {
      if (closing) throw new Error('store is closed');
      // A read of each namespace's table, not `SELECT 1`: that would succeed without touching the file.
      await Promise.all(adapters.map(({ namespace, adapter }) => adapter.query(`SELECT 1 FROM ${sqliteTable(namespace)} LIMIT 1`)));
    },
    close() {
      closing ??= closeAll();
      return closing;
    },
  };
}
