import { openKeyvStores } from './keyv-factory';
import { KeyvTaskRepository, TASK_NAMESPACES } from './keyv-task-repository';
import type { StoreLogger } from './store-logger';
import { parseStoreUrl } from './store-url';
import type { TaskRepository } from './task-repository';

/** The gateway's store: its repositories, and the lifecycle of the backend behind them. */
export interface GatewayStore {
  /** Video tasks and the index of active ones. */
  readonly tasks: TaskRepository;
  /** Resolves when the backend answers a real read; throws when it is unreachable or closed (`/readyz`). */
  ping(): Promise<void>;
  /** Waits for inserts/updates in progress, then closes the backend. Safe to call more than once. */
  close(): Promise<void>;
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Gets one line when the store opens (kind, path, journal mode) and backend errors raised outside any call. */
  logger?: StoreLogger;
  /** Base of a relative `sqlite://` path (default: the process's working directory). */
  cwd?: string;
}

/**
 * Opens the store a `STORE_URL` names (see {@link parseStoreUrl}): `sqlite://<path>` (the parent
 * directory is created when missing) or `memory://`.
 *
 * @throws StoreUrlError for a malformed URL or an unsupported scheme
 * @throws Error when the backend cannot be opened (e.g. the SQLite file is not a database)
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<GatewayStore> {
  const target = parseStoreUrl(url, options.cwd);
  const stores = await openKeyvStores(target, [TASK_NAMESPACES.tasks, TASK_NAMESPACES.active], { logger: options.logger });
  const tasks = new KeyvTaskRepository({ tasks: stores.keyv.tasks, active: stores.keyv.active_tasks });

  let closing: Promise<void> | undefined;
  return {
    tasks,
    ping: () => stores.ping(),
    close() {
      // Draining first lets an update that the poller started just before shutdown commit
      // both of its writes instead of failing on a closed connection halfway.
      closing ??= tasks.idle().then(() => stores.close());
      return closing;
    },
  };
}
