import type { Logger } from 'pino';
import { isTerminal, type VideoTaskStatus } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import type { GatewayMetrics } from './metrics';

/**
 * Watches the stored task changes the gateway publishes: counts status transitions and the
 * usage of finished tasks, and logs each task's end. Remembers the last status of unfinished
 * tasks only (a transition needs its `from`).
 */
export class TaskObserver {
  private readonly lastStatus = new Map<string, VideoTaskStatus>();

  constructor(private readonly deps: { metrics: GatewayMetrics; logger: Logger }) {}

  /** A task was created and stored. */
  created(task: VideoTask): void {
    this.deps.metrics.taskTransitions.inc({ from: 'new', to: task.status });
    this.remember(task);
  }

  /** A stored change of a task (any field; only status changes count as transitions). */
  changed(task: VideoTask): void {
    const previous = this.lastStatus.get(task.id);
    if (previous === task.status) return;
    // A task resumed after a restart has no status remembered here.
    this.deps.metrics.taskTransitions.inc({ from: previous ?? 'unknown', to: task.status });
    this.remember(task);
    if (isTerminal(task.status)) this.finished(task);
  }

  /** The task is no longer followed (gone from the store): forget it. */
  forget(taskId: string): void {
    this.lastStatus.delete(taskId);
  }

  private remember(task: VideoTask): void {
    if (isTerminal(task.status)) this.lastStatus.delete(task.id);
    else this.lastStatus.set(task.id, task.status);
  }

  private finished(task: VideoTask): void {
    const { metrics, logger } = this.deps;
    if (task.usage) {
      metrics.usageCost.inc({ model: task.model }, Number(task.usage.costUsd));
      metrics.usageTokens.inc({ model: task.model }, task.usage.totalTokens);
    }
    logger.info(
      {
        taskId: task.id,
        clientId: task.clientId,
        status: task.status,
        model: task.model,
        costUsd: task.usage?.costUsd,
        errorCode: task.error?.code,
      },
      'task finished',
    );
  }
}
