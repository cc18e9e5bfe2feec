import { VideoTaskStatus } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';

/**
 * Counts of the gateway's unfinished tasks by status, read from the store at scrape time:
 * what `gateway_tasks` reports until the store can count every status with one query.
 */
export async function activeTasksByStatus(
  activeIds: () => readonly string[],
  getMany: (ids: readonly string[]) => Promise<Array<VideoTask | undefined>>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = { [VideoTaskStatus.QUEUED]: 0, [VideoTaskStatus.RUNNING]: 0 };
  for (const task of await getMany(activeIds())) {
    if (task) counts[task.status] = (counts[task.status] ?? 0) + 1;
  }
  return counts;
}
