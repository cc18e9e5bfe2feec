import type { Logger } from 'pino';
import { isTerminal } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import type { GatewayMetrics } from './metrics';

/**
 * Watches the task writes this process commits (each change is counted once, on the replica
 * that made it): counts status transitions and the usage of finished tasks, and logs each
 * task's end.
 */
export class TaskObserver {
  constructor(private readonly deps: { metrics: GatewayMetrics; logger: Logger }) {}

  /** A task was stored (`before` undefined) or changed. */
  written(before: VideoTask | undefined, after: VideoTask): void {
    if (before?.status === after.status) return;
    this.deps.metrics.taskTransitions.inc({ from: before?.status ?? 'new', to: after.status });
    if (isTerminal(after.status) && !(before && isTerminal(before.status))) this.finished(after);
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
