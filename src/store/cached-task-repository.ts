import type { Keyv } from 'keyv';
import { isTerminal, type UnfinishedStatus } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import { CACHE_TTL_MS } from './caches';
import type { SqlTaskRepository } from './sql-task-repository';
import { StoredDataError } from './stored-data-error';
import type { TaskRepository } from './task-repository';
import { parseTaskData } from './task-rows';

/**
 * The SQL task repository with finished tasks cached (keyv): a finished task never changes,
 * so `videoTask` of one, however often it is asked, reads SQL once per cache. Unfinished
 * tasks are always read from SQL. Every update drops the cached copy before it returns.
 */
export class CachedTaskRepository implements TaskRepository {
  constructor(
    private readonly inner: SqlTaskRepository,
    private readonly cache: Keyv<string>,
  ) {}

  /** {@inheritDoc TaskRepository.insert} */
  insert(task: VideoTask): Promise<void> {
    return this.inner.insert(task);
  }

  /** {@inheritDoc SqlTaskRepository.insertMany} */
  insertMany(tasks: readonly VideoTask[]): Promise<number> {
    return this.inner.insertMany(tasks);
  }

  /** {@inheritDoc TaskRepository.get} */
  async get(id: string): Promise<VideoTask | undefined> {
    const cached = await this.cache.get(id);
    if (typeof cached === 'string') {
      try {
        return parseTaskData(cached, id);
      } catch (error) {
        if (!(error instanceof StoredDataError)) throw error;
        await this.cache.delete(id);
      }
    }
    const task = await this.inner.get(id);
    if (task && isTerminal(task.status)) await this.cache.set(id, JSON.stringify(task), CACHE_TTL_MS.tasks);
    return task;
  }

  /** Tasks of `ids`, in the same order (undefined where unknown), from SQL. */
  getMany(ids: readonly string[]): Promise<Array<VideoTask | undefined>> {
    return this.inner.getMany(ids);
  }

  /** {@inheritDoc TaskRepository.update} */
  async update(id: string, change: (current: VideoTask) => VideoTask | null): Promise<VideoTask | undefined> {
    const stored = await this.inner.update(id, change);
    // Only a move the domain never makes (out of a terminal status) could make a cached copy wrong.
    if (stored && !isTerminal(stored.status)) await this.cache.delete(id);
    return stored;
  }

  /** {@inheritDoc TaskRepository.markSynced} */
  markSynced(id: string, syncedAt: string): Promise<void> {
    // Unfinished tasks only: never cached.
    return this.inner.markSynced(id, syncedAt);
  }

  /** {@inheritDoc TaskRepository.listByStatus} */
  listByStatus(statuses: readonly UnfinishedStatus[]): Promise<VideoTask[]> {
    return this.inner.listByStatus(statuses);
  }

  /** {@inheritDoc TaskRepository.delete} */
  delete(id: string): Promise<boolean> {
    // Only SUBMITTING tasks may go, and those are never cached.
    return this.inner.delete(id);
  }

  /** {@inheritDoc SqlTaskRepository.countUnfinishedByStatus} */
  countUnfinishedByStatus(): Promise<Record<string, number>> {
    return this.inner.countUnfinishedByStatus();
  }

  /** {@inheritDoc TaskRepository.listActive} */
  listActive(): Promise<string[]> {
    return this.inner.listActive();
  }
}
