import { LRUCache } from 'lru-cache';
import type { Transaction } from 'kysely';
import type { VideoTask } from '../domain/video-task';
import type { Database } from './tables';

/**
 * Every stored change of every task, as the store commits them: what subscriptions, submission
 * slots and metrics follow. On SQLite the feed is in-process (one gateway per file); on
 * PostgreSQL every replica hears every replica's changes (LISTEN/NOTIFY), so a task created on
 * one replica is live on all of them.
 */
export interface TaskChangeFeed {
  /**
   * Calls `listener` with every stored change from now on, in revision order per task, each
   * revision at most once. Returns the unsubscribe.
   */
  subscribe(listener: (task: VideoTask) => void): () => void;
  /** Asks whichever replica polls `taskId` to read it now (an upstream callback arrived here). */
  requestRefresh(taskId: string): Promise<void>;
  /** Calls `listener` with every refresh request, this replica's own included. */
  onRefreshRequest(listener: (taskId: string) => void): () => void;
  /** Stops listening (PostgreSQL: closes the listening connection). */
  close(): Promise<void>;
}

/** How the task repository tells the feed about a change it writes. */
export interface TaskChangeAnnouncer {
  /** Inside the write's transaction (PostgreSQL: a NOTIFY, delivered on commit, in commit order). */
  within(trx: Transaction<Database>, task: VideoTask): Promise<void>;
  /** After the commit (in-process feeds deliver here). */
  after(task: VideoTask): void;
}

/** Tasks whose last delivered revision is remembered, to drop repeats and stale deliveries. */
const REMEMBERED_TASKS = 100_000;

/**
 * Fan-out to listeners with the per-task revision guard both feeds share: a revision is
 * delivered once, and never after a later one of the same task.
 */
export class ChangeListeners {
  private readonly listeners = new Set<(task: VideoTask) => void>();
  private readonly refreshListeners = new Set<(taskId: string) => void>();
  private readonly delivered = new LRUCache<string, number>({ max: REMEMBERED_TASKS });

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  subscribe(listener: (task: VideoTask) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onRefreshRequest(listener: (taskId: string) => void): () => void {
    this.refreshListeners.add(listener);
    return () => this.refreshListeners.delete(listener);
  }

  deliver(task: VideoTask): void {
    const last = this.delivered.get(task.id);
    if (last !== undefined && task.revision <= last) return;
    this.delivered.set(task.id, task.revision);
    for (const listener of this.listeners) this.call(() => listener(task));
  }

  refresh(taskId: string): void {
    for (const listener of this.refreshListeners) this.call(() => listener(taskId));
  }

  private call(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.onListenerError(error);
    }
  }
}

/** The in-process feed (SQLite and memory stores): changes are delivered right after their commit. */
export function createLocalChangeFeed(onListenerError: (error: unknown) => void): {
  feed: TaskChangeFeed;
  announcer: TaskChangeAnnouncer;
} {
  const listeners = new ChangeListeners(onListenerError);
  return {
    feed: {
      subscribe: (listener) => listeners.subscribe(listener),
      onRefreshRequest: (listener) => listeners.onRefreshRequest(listener),
      requestRefresh: async (taskId) => listeners.refresh(taskId),
      close: async () => undefined,
    },
    announcer: {
      within: async () => undefined,
      after: (task) => listeners.deliver(task),
    },
  };
}
