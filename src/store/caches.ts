import KeyvRedis, { defaultReconnectStrategy } from '@keyv/redis';
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
  /**
   * Names the database the cached values come from: in Redis, two gateways with different
   * databases never read each other's values (default: none).
   */
  scope?: string;
  logger?: StoreLogger;
}

/** How long the first connection to Redis may take before start-up fails. */
const REDIS_CONNECT_TIMEOUT_MS = 3_000;

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
      usageReports: quiet(
        new Keyv<string>({ store: new LRUCache<string, string>({ max }), namespace: 'usage' }),
        logger,
      ),
      close: async () => undefined,
    };
  }
  if (!/^rediss?:\/\//i.test(url))
    throw new CacheOpenError(`invalid CACHE_URL: expected redis://host:port (or rediss://)`);
  // One adapter per namespace: keyv writes its namespace onto the adapter it is given.
  // Without the offline queue, a command while Redis is down fails at once (a miss) instead of
  // waiting for the reconnection, which would hold up reads, writes and shutdown.
  const connect = {
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: REDIS_CONNECT_TIMEOUT_MS, reconnectStrategy: defaultReconnectStrategy },
  };
  const adapters = [new KeyvRedis<string>(connect), new KeyvRedis<string>(connect)];
  const [tasksAdapter, usageAdapter] = adapters as [KeyvRedis<string>, KeyvRedis<string>];
  const closeAll = async (force = false): Promise<void> => {
    await Promise.allSettled(adapters.map((adapter) => adapter.disconnect(force)));
  };
  const prefix = options.scope ? `spark-dance:${options.scope}` : 'spark-dance';
  const tasks = new Keyv<string>({ store: tasksAdapter, namespace: `${prefix}:tasks` });
  const usageReports = new Keyv<string>({ store: usageAdapter, namespace: `${prefix}:usage` });
  let timer: NodeJS.Timeout | undefined;
  try {
    // The client reconnects forever (a cache outage later must not stop the gateway), so the
    // first connection is given a deadline of its own.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${REDIS_CONNECT_TIMEOUT_MS} ms`)),
        REDIS_CONNECT_TIMEOUT_MS,
      );
    });
    await Promise.race([Promise.all(adapters.map((adapter) => adapter.getClient())), deadline]);
  } catch (error) {
    await closeAll(true);
    const shown = url.replace(/^(\w+:\/\/)[^@/]*@/, '$1***@');
    throw new CacheOpenError(
      `cannot reach CACHE_URL ${shown}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  } finally {
    clearTimeout(timer);
  }
  logger.info({ cache: 'redis' }, 'cache opened');
  return { tasks: quiet(tasks, logger), usageReports: quiet(usageReports, logger), close: () => closeAll() };
}

/** Cache errors are logged and read as misses (keyv's default without `throwOnErrors`). */
function quiet<T>(keyv: Keyv<T>, logger: StoreLogger): Keyv<T> {
  keyv.on('error', (error: unknown) => logger.warn({ err: error }, 'cache error (treated as a miss)'));
  return keyv;
}
