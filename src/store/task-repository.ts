import type { UnfinishedStatus } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';

/**
 * Where video tasks live. Implementations are keyv-backed; every implementation passes the
 * shared contract suite in `test/store/task-repository.contract.ts`.
 *
 * Tasks go in and come out as copies: no object a caller passes or receives is the stored
 * state, so mutating one never changes the store.
 */
export interface TaskRepository {
  /**
   * Stores a new task as given (including its `revision`, normally 1). Rejects with
   * `DuplicateTaskError` when the id is taken, also when two inserts of one id race.
   */
  insert(task: VideoTask): Promise<void>;

  /** The current version of a task, or undefined. */
  get(id: string): Promise<VideoTask | undefined>;

  /**
   * Read-modify-write of one task, serialized per task id within this process so that two
   * concurrent updates cannot lose each other's change. `change` receives the current version
   * (a private copy) and returns the next one, or null for "nothing to change"; it must keep
   * the `id`. The repository stores the next version with `revision` = current revision + 1
   * (whatever `change` put there) and keeps the active index in step with its status; it does
   * not judge status transitions (that is the domain's `canTransition`). Resolves to the
   * stored (or unchanged) task, or undefined for an unknown id. Rejects, writing nothing, when
   * `change` throws.
   */
  update(id: string, change: (current: VideoTask) => VideoTask | null): Promise<VideoTask | undefined>;

  /**
   * Ids of every task whose status is not terminal, read from an index (not a scan of all
   * tasks), in no particular order. A task whose insert is still in progress may be missing
   * (its inserter already knows it).
   */
  listActive(): Promise<string[]>;

  /**
   * Records that an unfinished task was just read from the upstream and found unchanged: its
   * `syncedAt`, without a new revision and without announcing a change (a quiet read is not one).
   * A no-op for an unknown or finished task.
   */
  markSynced(id: string, syncedAt: string): Promise<void>;

  /**
   * Every task whose status is one of `statuses` (unfinished ones only: those are indexed),
   * in no particular order. Cost: O(unfinished tasks) here; a SQL store filters by index.
   */
  listByStatus(statuses: readonly UnfinishedStatus[]): Promise<VideoTask[]>;

  /**
   * Removes a task that never existed upstream (a create the upstream definitely refused), with
   * everything derived from it. Resolves to false for an unknown id. Rejects, removing nothing,
   * when the task is not SUBMITTING: a task that may exist upstream is never forgotten.
   */
  delete(id: string): Promise<boolean>;
}

/** Raised by `insert` for an id that already exists. */
export class DuplicateTaskError extends Error {
  constructor(readonly taskId: string) {
    super(`task ${taskId} already exists`);
    this.name = 'DuplicateTaskError';
  }
}
