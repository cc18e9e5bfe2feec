import type { Keyv } from 'keyv';
import { IDEMPOTENCY_NAMESPACE, KeyvIdempotencyRepository, type IdempotencyRepository } from './idempotency-repository';
import { openKeyvStores } from './keyv-factory';
import { KeyvTaskRepository, TASK_NAMESPACES } from './keyv-task-repository';
import { IndexedTaskRepository } from './indexed-task-repository';
import type { GatewayStore, OpenStoreOptions } from './open-store';
import type { StoreLogger } from './store-logger';
import { parseStoreUrl } from './store-url';
import { HISTORY_NAMESPACES, TaskHistoryIndex } from './task-history-index';
import { UNSETTLED_NAMESPACE, UnsettledTasks } from './unsettled-tasks';
import { USAGE_CELL_NAMESPACE, UsageCellCache } from './usage-cell-cache';
import { USAGE_RECORD_NAMESPACE, UsageRecordStore } from './usage-record-store';

/** How often expired idempotency keys are removed (see {@link openIndexedStore}). */
export const IDEMPOTENCY_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** Every namespace of the indexed store. */
export const INDEXED_STORE_NAMESPACES = [
  TASK_NAMESPACES.tasks,
  TASK_NAMESPACES.active,
  HISTORY_NAMESPACES.history,
  HISTORY_NAMESPACES.clients,
  USAGE_RECORD_NAMESPACE,
  USAGE_CELL_NAMESPACE,
  UNSETTLED_NAMESPACE,
  IDEMPOTENCY_NAMESPACE,
] as const;

/** One `Keyv` per namespace of {@link INDEXED_STORE_NAMESPACES}. */
export type IndexedStoreKeyvs = Readonly<Record<(typeof INDEXED_STORE_NAMESPACES)[number], Keyv>>;

/** The gateway's store with task history and usage: what `startGateway` opens. */
export interface IndexedGatewayStore extends GatewayStore {
  /** Tasks; every write also keeps the history and the usage records in step. */
  readonly tasks: IndexedTaskRepository;
  /** Each client's tasks, newest first. */
  readonly history: TaskHistoryIndex;
  /** One usage record per finished task. */
  readonly usageRecords: UsageRecordStore;
  /** Cached usage aggregates of final periods. */
  readonly usageCells: UsageCellCache;
  /** Each client's idempotency keys. */
  readonly idempotency: IdempotencyRepository;
}

/** The repositories of an indexed store, over already opened namespaces. */
export interface IndexedRepositories {
  tasks: IndexedTaskRepository;
  history: TaskHistoryIndex;
  usageRecords: UsageRecordStore;
  usageCells: UsageCellCache;
  idempotency: IdempotencyRepository;
}

/** Options of {@link createIndexedRepositories}. */
export interface IndexedRepositoryOptions {
  logger?: StoreLogger;
  now?: () => number;
  /** Entries per history chunk (tests use small chunks to cross many chunk boundaries). */
  historyChunkSize?: number;
}

/**
 * Builds the repositories over `keyv` and prepares them (see `IndexedTaskRepository.prepare`).
 * Separate from {@link openIndexedStore} so tests can "restart" over the same data, including
 * memory data, and inject failures into single namespaces.
 */
export async function createIndexedRepositories(keyv: IndexedStoreKeyvs, options: IndexedRepositoryOptions = {}): Promise<IndexedRepositories> {
  const history = new TaskHistoryIndex({ history: keyv.task_history, clients: keyv.history_clients }, options.historyChunkSize);
  const usageRecords = new UsageRecordStore(keyv.usage_records);
  const usageCells = new UsageCellCache(keyv.usage_cells);
  const tasks = new IndexedTaskRepository({
    inner: new KeyvTaskRepository({ tasks: keyv.tasks, active: keyv.active_tasks }),
    tasks: keyv.tasks,
    history,
    records: usageRecords,
    cells: usageCells,
    unsettled: new UnsettledTasks(keyv.unsettled_tasks),
    logger: options.logger,
    now: options.now,
  });
  await tasks.prepare();
  return { tasks, history, usageRecords, usageCells, idempotency: new KeyvIdempotencyRepository(keyv.idempotency_keys) };
}

/**
 * Opens the store a `STORE_URL` names, like `openStore`, with the task history and usage
 * records on top (each in its own namespace of the same backend), and sweeps expired
 * idempotency keys every `idempotencySweepMs` (default hourly). Builds them from the
 * stored tasks when the store has none yet, and repairs what a crash left half-written,
 * before returning.
 *
 * @throws StoreUrlError for a malformed URL or an unsupported scheme
 * @throws Error when the backend cannot be opened
 */
export async function openIndexedStore(
  url: string,
  options: OpenStoreOptions & Omit<IndexedRepositoryOptions, 'logger'> & { idempotencySweepMs?: number } = {},
): Promise<IndexedGatewayStore> {
  const target = parseStoreUrl(url, options.cwd);
  const stores = await openKeyvStores(target, INDEXED_STORE_NAMESPACES, { logger: options.logger });
  let repositories: IndexedRepositories;
  try {
    repositories = await createIndexedRepositories(stores.keyv, { logger: options.logger, now: options.now, historyChunkSize: options.historyChunkSize });
  } catch (error) {
    await stores.close().catch(() => undefined);
    throw error;
  }
  // Expired idempotency keys only vanish from a backend when read, unless swept.
  let sweeping: Promise<void> = Promise.resolve();
  const sweep = setInterval(() => {
    sweeping = repositories.idempotency.purgeExpired().catch((error: unknown) => options.logger?.warn({ err: error }, 'idempotency key sweep failed'));
  }, options.idempotencySweepMs ?? IDEMPOTENCY_SWEEP_INTERVAL_MS).unref();
  let closing: Promise<void> | undefined;
  return {
    ...repositories,
    ping: () => stores.ping(),
    close() {
      clearInterval(sweep);
      // Writes in progress (a poller update and its derived writes, a sweep) finish before the backend closes.
      closing ??= Promise.all([repositories.tasks.idle(), sweeping]).then(() => stores.close());
      return closing;
    },
  };
}
