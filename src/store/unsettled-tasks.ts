import type { Keyv } from 'keyv';
import { StoredDataError } from './stored-data-error';

/** Namespace of the journal. */
export const UNSETTLED_NAMESPACE = 'unsettled_tasks';

/** What the journal remembers of a task: enough to find its history entry without the task. */
export interface UnsettledTask {
  taskId: string;
  clientId: string;
  createdAtMs: number;
}

/**
 * The journal of tasks whose derived data (history entry, usage record) may still lag behind
 * the task: one key per task id, added *before* anything of a new task is written and removed
 * only *after* the task is finished and its usage record written. So after any crash, every
 * task whose derived data could be stale or missing is listed here, and start-up repairs
 * exactly those (see `IndexedTaskRepository.reconcile`): O(unfinished tasks), not O(all tasks).
 */
export class UnsettledTasks {
  constructor(private readonly keyv: Keyv) {
    if (typeof keyv.iterator !== 'function') throw new Error('the unsettled-task journal needs a keyv adapter that supports iterator()');
  }

  /** Records that the task's derived data is not final yet. */
  async add(task: UnsettledTask): Promise<void> {
    if (!(await this.keyv.set(task.taskId, { v: 1, clientId: task.clientId, createdAtMs: task.createdAtMs }))) {
      throw new Error(`store write of ${UNSETTLED_NAMESPACE}:${task.taskId} failed`);
    }
  }

  /** Records that the task is settled. */
  async remove(taskId: string): Promise<void> {
    await this.keyv.delete(taskId);
  }

  /** Every journaled task (a scan of this namespace only). */
  async list(): Promise<UnsettledTask[]> {
    const tasks: UnsettledTask[] = [];
    for await (const [taskId, value] of this.keyv.iterator!(this.keyv.namespace) as AsyncIterable<[string, unknown]>) {
      const stored = value as { v?: unknown; clientId?: unknown; createdAtMs?: unknown } | null;
      if (!stored || stored.v !== 1 || typeof stored.clientId !== 'string' || !Number.isFinite(stored.createdAtMs)) {
        throw new StoredDataError(`${UNSETTLED_NAMESPACE}:${taskId}`);
      }
      tasks.push({ taskId, clientId: stored.clientId, createdAtMs: stored.createdAtMs as number });
    }
    return tasks;
  }

  /** Replaces the journal with `tasks`, in bulk (building the index of an existing store). */
  async replaceAll(tasks: readonly UnsettledTask[]): Promise<void> {
    await this.keyv.clear();
    for (const task of tasks) await this.add(task);
  }
}
