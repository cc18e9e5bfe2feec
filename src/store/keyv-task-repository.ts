import type { Keyv } from 'keyv';
import { isTerminal, VideoTaskStatus, type UnfinishedStatus } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import { KeyedMutex } from './keyed-mutex';
import { DuplicateTaskError, type TaskRepository } from './task-repository';

/** The two `Keyv` namespaces a {@link KeyvTaskRepository} works on. */
export interface KeyvTaskRepositoryStores {
  /** Namespace {@link TASK_NAMESPACES}.tasks: key = task id, value = the `VideoTask`. */
  tasks: Keyv;
  /** Namespace {@link TASK_NAMESPACES}.active: key = id of a non-terminal task, value = `true`. Must support `iterator()`. */
  active: Keyv;
}

/** Namespace names of the task repository; the keyv factory opens one `Keyv` for each. */
export const TASK_NAMESPACES = { tasks: 'tasks', active: 'active_tasks' } as const;

/** Ids looked up per `getMany` when `listActive` checks index entries against the tasks. */
const VERIFY_BATCH = 500;

/**
 * {@link TaskRepository} on two keyv namespaces: the tasks, and an index of the active ones.
 *
 * **Index.** One key per active task id rather than one list value, so adding or removing an
 * entry is a single write that cannot lose a concurrent change to another entry. `listActive`
 * enumerates it with keyv's `iterator()`, so start-up costs O(active tasks), not O(all tasks).
 *
 * **Ordering, for crashes.** The writes of one insert/update are not one transaction (they go
 * to two namespaces), so their order decides what a crash in between can leave behind:
 * an index entry is *added before* the task write and *removed after* it. Hence every
 * non-terminal task always has its entry (a crash can never make a task invisible to the
 * poller on restart), and the only possible leftover is a stale entry for a terminal or
 * missing task, which `listActive` skips and deletes.
 *
 * **Locking.** `insert` and `update` hold a per-id in-process lock for their whole
 * read-check-write, which is what makes `update` a lost-update-free read-modify-write and the
 * duplicate check of `insert` race-free. Single-process only (see {@link KeyedMutex}).
 *
 * **Copies.** Values pass through JSON on the way in and out, so no object a caller holds is
 * ever the stored state, and what `update` returns is exactly what `get` will return.
 */
export class KeyvTaskRepository implements TaskRepository {
  private readonly locks = new KeyedMutex();
  private readonly tasks: Keyv;
  private readonly active: Keyv;

  /** @throws Error when the active namespace's adapter cannot enumerate its keys */
  constructor(stores: KeyvTaskRepositoryStores) {
    if (typeof stores.active.iterator !== 'function') {
      throw new Error('the active-task index needs a keyv adapter that supports iterator()');
    }
    this.tasks = stores.tasks;
    this.active = stores.active;
  }

  /** {@inheritDoc TaskRepository.insert} */
  async insert(task: VideoTask): Promise<void> {
    // Copy (and fail on anything JSON cannot hold) before taking the lock or writing anything.
    const stored = jsonCopy(task);
    await this.locks.run(stored.id, async () => {
      if (await this.tasks.has(stored.id)) throw new DuplicateTaskError(stored.id);
      if (!isTerminal(stored.status)) await this.write(this.active, stored.id, true);
      await this.write(this.tasks, stored.id, stored);
    });
  }

  /** {@inheritDoc TaskRepository.get} */
  async get(id: string): Promise<VideoTask | undefined> {
    // Deserialized from the stored string on every call: already a private copy.
    return (await this.tasks.get<VideoTask>(id)) ?? undefined;
  }

  /**
   * {@inheritDoc TaskRepository.update}
   *
   * `change` gets a private copy (mutating it in place and returning it is fine; mutating it
   * and returning null changes nothing). The returned task must keep `id`; its `revision` is
   * ignored and set to the current one + 1. If `change` throws, nothing is written and the
   * error is the update's rejection.
   */
  async update(id: string, change: (current: VideoTask) => VideoTask | null): Promise<VideoTask | undefined> {
    return this.locks.run(id, async () => {
      const current = await this.tasks.get<VideoTask>(id);
      if (current === undefined || current === null) return undefined;
      const proposed = change(jsonCopy(current));
      if (proposed === null) return current;
      if (proposed.id !== id) throw new Error(`update of task ${id} returned a task with id ${String(proposed.id)}`);

      const next = jsonCopy({ ...proposed, revision: current.revision + 1 });
      const wasActive = !isTerminal(current.status);
      const isActive = !isTerminal(next.status);
      if (isActive && !wasActive) await this.write(this.active, id, true);
      await this.write(this.tasks, id, next);
      if (wasActive && !isActive) await this.active.delete(id);
      return next;
    });
  }

  /**
   * {@inheritDoc TaskRepository.listActive}
   *
   * Every index entry is checked against its task: ids of tasks that are terminal or missing
   * (left by a crash between two writes, see the class docs) are left out and their entries
   * deleted. Order is unspecified.
   */
  async listActive(): Promise<string[]> {
    const indexed: string[] = [];
    // `iterator` was checked in the constructor; the argument is ignored by keyv's wrapper.
    for await (const [id] of this.active.iterator!(this.active.namespace) as AsyncIterable<[string, unknown]>) indexed.push(id);

    const active: string[] = [];
    const stale: string[] = [];
    for (let start = 0; start < indexed.length; start += VERIFY_BATCH) {
      const ids = indexed.slice(start, start + VERIFY_BATCH);
      const tasks = await this.tasks.getMany<VideoTask>(ids);
      ids.forEach((id, i) => {
        const task = tasks[i];
        (task && !isTerminal(task.status) ? active : stale).push(id);
      });
    }
    await Promise.all(stale.map((id) => this.dropStaleIndexEntry(id)));
    return active;
  }

  /** {@inheritDoc TaskRepository.listByStatus} */
  async listByStatus(statuses: readonly UnfinishedStatus[]): Promise<VideoTask[]> {
    const wanted = new Set<VideoTaskStatus>(statuses);
    const ids = await this.listActive();
    const found: VideoTask[] = [];
    for (let start = 0; start < ids.length; start += VERIFY_BATCH) {
      for (const task of await this.tasks.getMany<VideoTask>(ids.slice(start, start + VERIFY_BATCH))) {
        if (task && wanted.has(task.status)) found.push(task);
      }
    }
    return found;
  }

  /**
   * {@inheritDoc TaskRepository.delete}
   * The task goes first, then its index entry (a leftover entry is stale, see above).
   */
  async delete(id: string): Promise<boolean> {
    return this.locks.run(id, async () => {
      const task = await this.tasks.get<VideoTask>(id);
      if (!task) return false;
      if (task.status !== VideoTaskStatus.SUBMITTING) {
        throw new Error(`task ${id} is ${task.status}: only a SUBMITTING task may be deleted`);
      }
      await this.tasks.delete(id);
      await this.active.delete(id);
      return true;
    });
  }

  /** Resolves once no insert or update is in progress (the store waits for this before closing). */
  idle(): Promise<void> {
    return this.locks.idle();
  }

  /**
   * Re-checks under the task's lock before deleting: the entry may belong to an insert that
   * has written its index entry but not yet its task, and must then stay.
   */
  private async dropStaleIndexEntry(id: string): Promise<void> {
    await this.locks.run(id, async () => {
      const task = await this.tasks.get<VideoTask>(id);
      if (!task || isTerminal(task.status)) await this.active.delete(id);
    });
  }

  /** `Keyv.set` reports some failures as `false` rather than an exception; make them one. */
  private async write(keyv: Keyv, key: string, value: unknown): Promise<void> {
    if (!(await keyv.set(key, value))) throw new Error(`store write of ${keyv.namespace ?? ''}:${key} failed`);
  }
}

/** A deep copy through JSON: the form the task is stored in, so copies equal what `get` returns. */
function jsonCopy(task: VideoTask): VideoTask {
  return JSON.parse(JSON.stringify(task)) as VideoTask;
}
