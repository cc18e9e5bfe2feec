import { isTerminal } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import { PushIterator } from '../live/push-iterator';
import { TaskTopic, type TaskEvents } from '../live/task-events';
import type { TaskQueryService } from './task-query-service';

/** The task does not exist or belongs to another client (the two are not told apart). */
export class TaskNotFoundError extends Error {
  constructor(readonly taskId: string) {
    super(`no task ${taskId} for this client`);
    this.name = 'TaskNotFoundError';
  }
}

/**
 * Live views of tasks for subscriptions, built on {@link PushIterator} so that listening
 * starts before the store is read and a consumer's `return()` ends a stream at once.
 */
export class TaskUpdatesService {
  constructor(
    private readonly queries: TaskQueryService,
    private readonly events: TaskEvents,
  ) {}

  /**
   * The task's current state, then every later stored change (strictly increasing
   * `revision`), ending after a terminal state. Listening starts before the store is read, so
   * nothing that happens between the two is lost; duplicates and stale events are dropped by
   * revision. Throws {@link TaskNotFoundError} before any event for a task the client may not see.
   */
  async watchTask(clientId: string, taskId: string): Promise<AsyncIterableIterator<VideoTask>> {
    // Undefined until the current state is read; changes heard before that are held back.
    let revision: number | undefined;
    const heldBack: VideoTask[] = [];
    let unlisten = (): void => undefined;
    const stream = new PushIterator<VideoTask>(() => unlisten());
    const deliver = (task: VideoTask): void => {
      if (task.clientId !== clientId || task.revision <= (revision ?? 0)) return;
      revision = task.revision;
      stream.push(task);
      if (isTerminal(task.status)) stream.end();
    };
    unlisten = this.events.listen(TaskTopic.TASK, taskId, (task) =>
      revision === undefined ? heldBack.push(task) : deliver(task),
    );
    try {
      const current = await this.queries.findForClient(clientId, taskId);
      if (!current) throw new TaskNotFoundError(taskId);
      deliver(current);
      for (const task of heldBack.splice(0)) deliver(task);
      return stream;
    } catch (error) {
      await stream.return();
      throw error;
    }
  }

  /** Every stored change to any task of `clientId`, from now on. */
  watchClient(clientId: string): AsyncIterableIterator<VideoTask> {
    let unlisten = (): void => undefined;
    const stream = new PushIterator<VideoTask>(() => unlisten());
    unlisten = this.events.listen(TaskTopic.CLIENT, clientId, (task) => stream.push(task));
    return stream;
  }
}
