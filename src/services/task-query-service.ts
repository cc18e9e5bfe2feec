import type { VideoTask } from '../domain/video-task';
import type { TaskRepository } from '../store/task-repository';

/** Reads tasks for a client: from the store only, never the upstream. */
export class TaskQueryService {
  constructor(private readonly tasks: TaskRepository) {}

  /** The task when it exists and belongs to `clientId`; otherwise undefined (no hint that it exists). */
  async findForClient(clientId: string, taskId: string): Promise<VideoTask | undefined> {
    const task = await this.tasks.get(taskId);
    return task && task.clientId === clientId ? task : undefined;
  }
}
