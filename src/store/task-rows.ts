import type { Insertable } from 'kysely';
import { z } from 'zod';
import { fromNanos, toNanos } from '../domain/money';
import { isTerminal, VideoTaskStatus } from '../domain/task-status';
import { periodStart, PeriodKind } from '../domain/usage-period';
import { usageRecordOf, type UsageRecord } from '../domain/usage-record';
import { VIDEO_TICKS_PER_SECOND } from '../domain/usage-tally';
import type { VideoTask } from '../domain/video-task';
import { StoredDataError } from './stored-data-error';
import type { TasksTable, UsageRecordsTable, UsageRollupsTable } from './tables';

/** The columns of a task row that mirror the task (everything but the lease). */
export type TaskColumns = Omit<Insertable<TasksTable>, 'lease_owner' | 'lease_until_ms'>;

/**
 * The row of `task`.
 * @throws RangeError when `createdAt` is not a valid instant (rows are ordered and grouped by it)
 */
export function taskColumnsOf(task: VideoTask): TaskColumns {
  const createdAtMs = Date.parse(task.createdAt);
  if (!Number.isFinite(createdAtMs)) throw new RangeError(`task ${task.id} has an invalid createdAt`);
  return {
    id: task.id,
    client_id: task.clientId,
    created_at_ms: createdAtMs,
    hour_ms: periodStart(PeriodKind.HOUR, createdAtMs),
    day_ms: periodStart(PeriodKind.DAY, createdAtMs),
    month_ms: periodStart(PeriodKind.MONTH, createdAtMs),
    status: task.status,
    finished: isTerminal(task.status) ? 1 : 0,
    revision: task.revision,
    model: task.model,
    mode: task.mode,
    resolution: task.options.resolution,
    service_tier: task.options.serviceTier,
    upstream_task_id: task.upstreamTaskId,
    data: JSON.stringify(task),
  };
}

/** The fields rows are keyed, ordered and grouped by; no update may change them. */
export function fixedFieldsOf(task: VideoTask): string {
  return JSON.stringify([
    task.clientId,
    task.createdAt,
    task.model,
    task.mode,
    task.options.resolution,
    task.options.serviceTier,
  ]);
}

/** What every stored task must have for the gateway to work with it; the rest is carried as written. */
const storedTask = z.looseObject({
  id: z.string().min(1),
  clientId: z.string().min(1),
  revision: z.number().int().positive(),
  status: z.enum(VideoTaskStatus),
  createdAt: z.string(),
  expiresAt: z.string(),
  options: z.looseObject({ resolution: z.string(), serviceTier: z.string() }),
});

/**
 * The task in a row's `data` column.
 * @throws StoredDataError when it is not JSON of a task with the id the row is keyed by
 */
export function parseTaskData(data: unknown, id: string): VideoTask {
  let value: unknown;
  try {
    value = typeof data === 'string' ? JSON.parse(data) : undefined;
  } catch {
    value = undefined;
  }
  const parsed = storedTask.safeParse(value);
  if (!parsed.success || parsed.data.id !== id) throw new StoredDataError(`tasks:${id}`);
  // Checked above for what the gateway relies on; the row was written from a VideoTask.
  return parsed.data as unknown as VideoTask;
}

/** The usage record row of a finished task. */
export function usageRowOf(task: VideoTask): Insertable<UsageRecordsTable> {
  const record: UsageRecord = usageRecordOf(task);
  return {
    task_id: record.taskId,
    status: record.status,
    // One task's amount in nano-USD is far below 2^53 (9 million USD): exact as a number.
    cost_nanos: Number(toNanos(record.costUsd).nanos),
    discount_nanos: Number(toNanos(record.discountUsd).nanos),
    cost_usd: record.costUsd,
    discount_usd: record.discountUsd,
    input_tokens: record.inputTokens,
    output_tokens: record.outputTokens,
    total_tokens: record.totalTokens,
    generated_videos: record.generatedVideos,
    video_ticks: Math.round(record.videoSeconds * VIDEO_TICKS_PER_SECOND),
  };
}

/** A summed nano-USD column (text, from `CAST(SUM(..) AS TEXT)`) as an exact decimal string. */
export function decimalOfNanos(value: unknown): string {
  if (value === null || value === undefined) return '0';
  const text = String(value);
  if (!/^-?\d+$/.test(text)) throw new StoredDataError(`usage sum ${text.slice(0, 40)}`);
  return fromNanos(text);
}

/** A count or sum column: the pg driver returns BIGINT and NUMERIC as strings. */
export function integerOf(value: unknown, what: string): number {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) throw new StoredDataError(what);
  return number;
}

/** The summed columns of a rollup row. */
export const ROLLUP_SUM_COLUMNS = [
  'tasks',
  'succeeded',
  'failed',
  'expired',
  'cost_nanos',
  'discount_nanos',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'generated_videos',
  'video_ticks',
] as const;

/** The sums a rollup row holds (what one write adds to it, or takes away). */
type RollupSums = Pick<Insertable<UsageRollupsTable>, (typeof ROLLUP_SUM_COLUMNS)[number]>;

const NO_SUMS: RollupSums = {
  tasks: 0,
  succeeded: 0,
  failed: 0,
  expired: 0,
  cost_nanos: 0,
  discount_nanos: 0,
  input_tokens: 0,
  output_tokens: 0,
  total_tokens: 0,
  generated_videos: 0,
  video_ticks: 0,
};

/** What a stored task adds to its rollup: one submission, and its usage record once finished. */
function rollupSumsOf(task: VideoTask): RollupSums {
  if (!isTerminal(task.status)) return { ...NO_SUMS, tasks: 1 };
  const usage = usageRowOf(task);
  return {
    tasks: 1,
    succeeded: task.status === VideoTaskStatus.SUCCEEDED ? 1 : 0,
    failed: task.status === VideoTaskStatus.FAILED ? 1 : 0,
    expired: task.status === VideoTaskStatus.EXPIRED ? 1 : 0,
    cost_nanos: usage.cost_nanos,
    discount_nanos: usage.discount_nanos,
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    total_tokens: usage.total_tokens,
    generated_videos: usage.generated_videos,
    video_ticks: usage.video_ticks,
  };
}

/**
 * The change to a task's hourly rollup row when it goes from `before` (undefined: a new task)
 * to `after` (undefined: a deleted task), or undefined when the sums do not move (a status
 * change between unfinished states, the usual case).
 */
export function rollupDeltaOf(
  before: VideoTask | undefined,
  after: VideoTask | undefined,
): Insertable<UsageRollupsTable> | undefined {
  const task = after ?? before;
  if (!task) return undefined;
  const was = before ? rollupSumsOf(before) : NO_SUMS;
  const now = after ? rollupSumsOf(after) : NO_SUMS;
  const delta = Object.fromEntries(
    ROLLUP_SUM_COLUMNS.map((name) => [name, Number(now[name]) - Number(was[name])]),
  ) as RollupSums;
  if (Object.values(delta).every((value) => value === 0)) return undefined;
  const columns = taskColumnsOf(task);
  return {
    client_id: columns.client_id,
    hour_ms: columns.hour_ms,
    day_ms: columns.day_ms,
    month_ms: columns.month_ms,
    model: columns.model,
    mode: columns.mode,
    resolution: columns.resolution,
    service_tier: columns.service_tier,
    ...delta,
  };
}
