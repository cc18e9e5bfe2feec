import { sql, type Transaction } from 'kysely';
import { Client } from 'pg';
import { z } from 'zod';
import type { VideoTask } from '../domain/video-task';
import { ChangeListeners, type TaskChangeAnnouncer, type TaskChangeFeed } from './task-change-feed';
import { parseTaskData } from './task-rows';
import type { StoreLogger } from './store-logger';
import type { Database } from './tables';

/** NOTIFY channels: stored task changes, and refresh requests for whichever replica polls a task. */
const CHANGES_CHANNEL = 'spark_dance_task_changes';
const REFRESH_CHANNEL = 'spark_dance_task_refresh';
/** PostgreSQL caps a NOTIFY payload at 8000 bytes; larger tasks are announced by id and read back. */
const MAX_INLINE_PAYLOAD_BYTES = 7_500;
/** How often, and how patiently, the listening connection is checked. */
const HEALTH_CHECK_INTERVAL_MS = 15_000;
const HEALTH_CHECK_TIMEOUT_MS = 5_000;
/** Pause before reconnecting a listening connection that broke. */
const RECONNECT_DELAY_MS = 1_000;

const referencePayload = z.object({ ref: z.string().min(1), revision: z.number().int() });

/** Options of {@link openPostgresChangeFeed}. */
export interface PostgresChangeFeedOptions {
  connectionString: string;
  /** Reads a task whose change was too large to travel in its notification. */
  readTask: (id: string) => Promise<VideoTask | undefined>;
  logger: StoreLogger;
}

/**
 * The change feed of replicas sharing one PostgreSQL database: every task write NOTIFYs its
 * new version inside its own transaction, so notifications arrive on commit, in commit order,
 * on every replica's listening connection (this one's own writes included: every replica sees
 * one order). A broken listening connection is reopened; changes committed while it was down
 * are not replayed (subscribers of a task re-read it when they subscribe, and the poller's
 * reads keep the store itself right).
 */
export async function openPostgresChangeFeed(
  options: PostgresChangeFeedOptions,
): Promise<{ feed: TaskChangeFeed; announcer: TaskChangeAnnouncer }> {
  const { logger } = options;
  const listeners = new ChangeListeners((error) => logger.error({ err: error }, 'task change listener failed'));
  let client: Client | undefined;
  let closed = false;
  let reconnect: NodeJS.Timeout | undefined;

  const onNotification = (message: { channel: string; payload?: string }): void => {
    if (message.channel === REFRESH_CHANNEL) {
      if (message.payload) listeners.refresh(message.payload);
      return;
    }
    void decode(message.payload ?? '').then(
      (task) => task && listeners.deliver(task),
      (error: unknown) => logger.warn({ err: error }, 'unreadable task change notification'),
    );
  };

  const decode = async (payload: string): Promise<VideoTask | undefined> => {
    let value: unknown;
    try {
      value = JSON.parse(payload);
    } catch {
      return undefined;
    }
    const reference = referencePayload.safeParse(value);
    if (reference.success) return options.readTask(reference.data.ref);
    const id = typeof value === 'object' && value !== null && 'id' in value ? String(value.id) : '';
    return parseTaskData(payload, id);
  };

  const lose = (lost: Client, error: unknown): void => {
    void lost.end().catch(() => undefined);
    // An old connection (already replaced) or one still opening (its connect() fails on its own).
    if (client !== lost) return;
    client = undefined;
    logger.warn({ err: error }, 'task change feed connection lost; reconnecting');
    scheduleReconnect();
  };

  const connect = async (): Promise<void> => {
    // keepAlive and the health check below: a half-open connection (a NAT timeout, a failover)
    // raises no error by itself, and a replica that stopped hearing changes must notice.
    const next = new Client({ connectionString: options.connectionString, keepAlive: true });
    next.on('notification', onNotification);
    next.on('error', (error) => lose(next, error));
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGES_CHANNEL}`);
      await next.query(`LISTEN ${REFRESH_CHANNEL}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    client = next;
  };

  const health = setInterval(() => {
    const current = client;
    if (!current) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('health check timed out')), HEALTH_CHECK_TIMEOUT_MS);
    });
    Promise.race([current.query('SELECT 1'), deadline])
      .catch((error: unknown) => lose(current, error))
      .finally(() => clearTimeout(timer));
  }, HEALTH_CHECK_INTERVAL_MS);
  health.unref();

  const scheduleReconnect = (): void => {
    if (closed || reconnect) return;
    reconnect = setTimeout(() => {
      reconnect = undefined;
      connect().catch((error: unknown) => {
        logger.warn({ err: error }, 'task change feed could not reconnect');
        scheduleReconnect();
      });
    }, RECONNECT_DELAY_MS);
  };

  try {
    await connect();
  } catch (error) {
    clearInterval(health);
    closed = true;
    clearTimeout(reconnect);
    throw error;
  }

  return {
    feed: {
      subscribe: (listener) => listeners.subscribe(listener),
      onRefreshRequest: (listener) => listeners.onRefreshRequest(listener),
      async requestRefresh(taskId) {
        if (!client) throw new Error('task change feed is not connected');
        await client.query('SELECT pg_notify($1, $2)', [REFRESH_CHANNEL, taskId]);
      },
      async close() {
        closed = true;
        clearTimeout(reconnect);
        clearInterval(health);
        await client?.end().catch(() => undefined);
        client = undefined;
      },
    },
    announcer: {
      async within(trx: Transaction<Database>, task: VideoTask) {
        const inline = JSON.stringify(task);
        const payload =
          Buffer.byteLength(inline) <= MAX_INLINE_PAYLOAD_BYTES
            ? inline
            : JSON.stringify({ ref: task.id, revision: task.revision });
        await sql`SELECT pg_notify(${CHANGES_CHANNEL}, ${payload})`.execute(trx);
      },
      after: () => undefined,
    },
  };
}
