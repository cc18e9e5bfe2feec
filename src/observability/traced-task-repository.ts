import type { UnfinishedStatus } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import type { TaskRepository } from '../store/task-repository';
import type { SpanHook } from './tracing';

/**
 * `tasks` with a span around every query (a child of the operation or poll read that made
 * it). A stand-in until the store traces its own queries through a {@link SpanHook}.
 */
export function traceTaskRepository(tasks: TaskRepository, withSpan: SpanHook): TaskRepository {
  return {
    insert: (task: VideoTask) => withSpan('store tasks.insert', () => tasks.insert(task)),
    get: (id: string) => withSpan('store tasks.get', () => tasks.get(id)),
    update: (id: string, change: (current: VideoTask) => VideoTask | null) =>
      withSpan('store tasks.update', () => tasks.update(id, change)),
    listActive: () => withSpan('store tasks.listActive', () => tasks.listActive()),
    listByStatus: (statuses: readonly UnfinishedStatus[]) =>
      withSpan('store tasks.listByStatus', () => tasks.listByStatus(statuses)),
    delete: (id: string) => withSpan('store tasks.delete', () => tasks.delete(id)),
    markSynced: (id: string, syncedAt: string) =>
      withSpan('store tasks.markSynced', () => tasks.markSynced(id, syncedAt)),
  };
}
