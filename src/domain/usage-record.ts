import type { GenerationMode, VideoModel } from './generation-mode';
import type { ServiceTier, VideoResolution } from './generation-options';
import { normalizeDecimal } from './money';
import { isTerminal, VideoTaskStatus, type TerminalStatus } from './task-status';
import type { VideoTask } from './video-task';

/**
 * What one finished task contributes to usage reports: its dimensions and, once, its cost.
 *
 * A pure function of the terminal task ({@link usageRecordOf}), and a terminal task never
 * changes again, so however often the terminal state is observed the record is the same
 * value; stores keep one per task id, which is what makes counting exactly-once.
 */
export interface UsageRecord {
  taskId: string;
  clientId: string;
  /** The submission time: the task counts in the bucket of this instant. */
  createdAt: string;
  model: VideoModel;
  mode: GenerationMode;
  resolution: VideoResolution;
  serviceTier: ServiceTier;
  status: TerminalStatus;
  /** Exact decimal strings; "0" when the task carries no usage (failures, expiries). */
  costUsd: string;
  discountUsd: string;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  generatedVideos: number;
  /**
   * Seconds of video delivered: for a SUCCEEDED task, the resolved length it was generated
   * with (`options.durationSeconds`, frames / 24 when frames were given) times the number of
   * videos generated; 0 otherwise. The requested length rather than the upstream's reported
   * `videos[].durationSeconds` because it is always known (the upstream may omit durations),
   * it is what tokens and cost are computed from, and it is exact.
   */
  videoSeconds: number;
}

/** The dimensions of a task a usage report can group by (except the client). */
export interface UsageDimensions {
  model: VideoModel;
  mode: GenerationMode;
  resolution: VideoResolution;
  serviceTier: ServiceTier;
}

/** The report dimensions of a task. */
export function usageDimensionsOf(task: Pick<VideoTask, 'model' | 'mode' | 'options'>): UsageDimensions {
  return {
    model: task.model,
    mode: task.mode,
    resolution: task.options.resolution,
    serviceTier: task.options.serviceTier,
  };
}

/**
 * The usage record of a terminal task. Money is normalized (so equal amounts are equal
 * strings); a usage block on a task that did not succeed is still counted, because it means
 * the upstream billed it.
 * @throws RangeError when the task is not terminal, or carries a cost that is not a plain decimal
 */
export function usageRecordOf(task: VideoTask): UsageRecord {
  const status = task.status;
  if (!isTerminal(status))
    throw new RangeError(`task ${task.id} is ${status}: only finished tasks have a usage record`);
  const usage = task.usage;
  const succeeded = status === VideoTaskStatus.SUCCEEDED;
  // A success without a usage block still delivered its videos; count them from the task.
  const generatedVideos = usage ? usage.generatedVideos : succeeded ? task.videos.length : 0;
  return {
    taskId: task.id,
    clientId: task.clientId,
    createdAt: task.createdAt,
    ...usageDimensionsOf(task),
    status,
    costUsd: normalizeDecimal(usage?.costUsd ?? '0'),
    discountUsd: normalizeDecimal(usage?.discountUsd ?? '0'),
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    totalTokens: usage?.totalTokens ?? 0,
    generatedVideos,
    videoSeconds: succeeded ? task.options.durationSeconds * generatedVideos : 0,
  };
}

/** True when two records would count the same (used to notice a record that changed). */
export function sameUsageRecord(a: UsageRecord, b: UsageRecord): boolean {
  return (
    (Object.keys(a) as Array<keyof UsageRecord>).every((key) => a[key] === b[key]) &&
    Object.keys(b).length === Object.keys(a).length
  );
}
