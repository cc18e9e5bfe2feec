import { isTerminal, isUnconfirmed } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import type { TaskRepository } from '../store/task-repository';

/** Which cap refused a slot. */
export type SlotRefusal = 'client' | 'upstream';

/** A slot held for a create in progress: `commit` it to the created task, or `release` it. */
export interface SlotReservation {
  commit(taskId: string): void;
  release(): void;
}

/**
 * Counts non-terminal tasks per client and in total, against two caps: tasks one client may
 * have running (so one client cannot take the whole upstream queue) and upstream tasks of the
 * whole gateway (the upstream queues only so many per account; beyond that a create would
 * fail, or worse, be accepted and left waiting past its expiry while billed).
 *
 * A create in progress holds a reserved slot from before the upstream call until its task is
 * stored, so concurrent submissions cannot all slip under a cap. A slot frees when the task
 * is seen terminal (`observe`, fed with every stored change). In-process counts, loaded from
 * the store's active index at start-up: one gateway process per store, as for the store itself.
 */
export class ActiveTaskSlots {
  /** Non-terminal task id -> its client. */
  private readonly active = new Map<string, string>();
  private readonly perClient = new Map<string, number>();
  private total = 0;

  constructor(private readonly caps: { perClient: number; upstream: number }) {}

  /**
   * Counts every task the store lists as active (call once, before submissions are taken),
   * except unconfirmed creates: nothing would ever free their slot (adopted ones run without one).
   */
  async load(tasks: Pick<TaskRepository, 'listActive'> & { getMany(ids: readonly string[]): Promise<Array<VideoTask | undefined>> }): Promise<void> {
    for (const task of await tasks.getMany(await tasks.listActive())) {
      if (task && !isTerminal(task.status) && !isUnconfirmed(task.status) && !this.active.has(task.id)) {
        this.active.set(task.id, task.clientId);
        this.add(task.clientId, 1);
      }
    }
  }

  /** Takes a slot for `clientId`, or says which cap is full. Synchronous: no race between check and take. */
  tryReserve(clientId: string): SlotReservation | SlotRefusal {
    if (this.total >= this.caps.upstream) return 'upstream';
    if ((this.perClient.get(clientId) ?? 0) >= this.caps.perClient) return 'client';
    this.add(clientId, 1);
    let settled = false;
    return {
      commit: (taskId) => {
        if (settled) return;
        settled = true;
        this.active.set(taskId, clientId);
      },
      release: () => {
        if (settled) return;
        settled = true;
        this.add(clientId, -1);
      },
    };
  }

  /** Frees the slot of a task that reached a terminal status (other changes are ignored). */
  observe(task: VideoTask): void {
    if (isTerminal(task.status)) this.forget(task.id);
  }

  /**
   * Frees the slot of a task nothing follows any more (the poller dropped it: finished, or gone
   * from the store), whatever its last known status; a no-op for a task without a slot.
   */
  forget(taskId: string): void {
    const clientId = this.active.get(taskId);
    if (clientId === undefined) return;
    this.active.delete(taskId);
    this.add(clientId, -1);
  }

  /** Ids of the client's non-terminal tasks, or of every one when `clientId` is omitted. */
  activeTaskIds(clientId?: string): string[] {
    const ids: string[] = [];
    for (const [id, owner] of this.active) if (clientId === undefined || owner === clientId) ids.push(id);
    return ids;
  }

  /** Slots held by the client (tasks and creates in progress), or by everyone. */
  count(clientId?: string): number {
    return clientId === undefined ? this.total : (this.perClient.get(clientId) ?? 0);
  }

  private add(clientId: string, delta: number): void {
    this.total += delta;
    const next = (this.perClient.get(clientId) ?? 0) + delta;
    if (next > 0) this.perClient.set(clientId, next);
    else this.perClient.delete(clientId);
  }
}
