import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import { LRUCache } from 'lru-cache';
import { SILENT_STORE_LOGGER, type StoreLogger } from './store-logger';

/**
 * The caches in front of the SQL store (keyv): finished tasks, which never change, and usage
 * reports, keyed by the usage versions of their days so a cached report is never stale. Both
 * are in-process and bounded by default; with `CACHE_URL=redis://...` they live in Redis and
 * replicas share them. A cache failure is a miss (logged), never a failed request.
 */
export interface GatewayCaches {
  /** Finished tasks by id, as JSON. */
  readonly tasks: Keyv<string>;
  /** Usage reports by a digest of the query and its days' usage versions, as JSON. */
  readonly usageReports: Keyv<string>;
  /** Closes the Redis connections, if any. */
  close(): Promise<void>;
}

/** The cache could not be opened; the message names `CACHE_URL` (without its password). */
export class CacheOpenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CacheOpenError';
  }
}

/** Options of {@link openCaches}. */
export interface OpenCachesOptions {
  /** `redis://...` (or `rediss://`); unset = in-process. */
  url?: string;
  /** Entries per in-process cache (default 10,000). */
  maxEntries?: number;
  logger?: StoreLogger;
}

/** How long a finished task and a usage report stay in Redis (in process, the LRU bound decides). */
export const CACHE_TTL_MS = { tasks: 24 * 3_600_000, usageReports: 3_600_000 } as const;

/**
 * Opens both caches.
 * @throws CacheOpenError when `url` is not a Redis URL or Redis does not answer
 */
export async function openCaches(options: OpenCachesOptions = {}): Promise<GatewayCaches> {
  const logger = options.logger ?? SILENT_STORE_LOGGER;
  const url = options.url?.trim();
  if (!url) {
    const max = options.maxEntries ?? 10_000;
    return {
      tasks: quiet(new Keyv<string>({ store: new LRUCache<string, string>({ max }), namespace: 'tasks' }), logger),
      usageReports: quiet(new Keyv<string>({ store: new LRUCache<string, string>({ max }), namespace: 'usage' }), logger),
      close: async () => undefined,
    };
  }
  if (!/^rediss?:\/\//i.test(url)) throw new CacheOpenError(`invalid CACHE_URL: expected redis://host:port (or rediss://)`);
  // One adapter per namespace: keyv writes its namespace onto the adapter it is given.
  const adapters = [new KeyvRedis(url, { throwOnConnectError: true }), new KeyvRedis(url, { throwOnConnectError: true })];
  const [tasksAdapter, usageAdapter] = adapters as [KeyvRedis<string>, KeyvRedis<string>];
  const closeAll = async (): Promise<void> => {
    await Promise.allSettled(adapters.map((adapter) => adapter.disconnect()));
  };
  const tasks = new Keyv<string>({ store: tasksAdapter, namespace: 'spark-dance:tasks' });
  const usageReports = new Keyv<string>({ store: usageAdapter, namespace: 'spark-dance:usage' });
  try {
    await Promise.all(adapters.map((adapter) => adapter.getClient()));
  } catch (error) {
    await closeAll();
    const shown = url.replace(/^(\w+:\/\/)[^@/]*@/, '$1***@');
    throw new CacheOpenError(`cannot reach CACHE_URL ${shown}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  logger.info({ cache: 'redis' }, 'cache opened');
  return { tasks: quiet(tasks, logger), usageReports: quiet(usageReports, logger), close: closeAll };
}

/** Cache errors are logged and read as misses (keyv's default without `throwOnErrors`). */
function quiet<T>(keyv: Keyv<T>, logger: StoreLogger): Keyv<T> {
  keyv.on('error', (error: unknown) => logger.warn({ err: error }, 'cache error (treated as a miss)'));
  return keyv;
}
