import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { GenerationMode, VideoModel } from '../domain/generation-mode';
import { ServiceTier, VideoResolution } from '../domain/generation-options';
import { VideoTaskStatus } from '../domain/task-status';
import { UsageDimension, type UsageGroup } from '../domain/usage-dimension';
import type { UsageSums } from '../domain/usage-tally';
import { StoredDataError } from './stored-data-error';
import type { Database } from './tables';
import { decimalOfNanos, integerOf } from './task-rows';

/** Which precomputed period column a query groups by (none: the whole range is one row per group). */
export type UsagePeriodColumn = 'hour_ms' | 'day_ms' | 'month_ms';

/** What {@link UsageQueries.sums} adds up. */
export interface UsageSumsQuery {
  fromMs: number;
  toMs: number;
  /** Only this client's tasks; every client's when omitted. */
  clientId?: string;
  period?: UsagePeriodColumn;
  groupBy: readonly UsageDimension[];
}

/** One row of sums: a period (when grouped by one) and a group of dimensions. */
export interface UsageSumsRow {
  /** Start of the row's period (epoch ms), or undefined without a period. */
  periodMs: number | undefined;
  group: UsageGroup;
  sums: UsageSums;
}

const COLUMN_OF: Record<UsageDimension, 'model' | 'mode' | 'resolution' | 'service_tier' | 'client_id'> = {
  [UsageDimension.MODEL]: 'model',
  [UsageDimension.MODE]: 'mode',
  [UsageDimension.RESOLUTION]: 'resolution',
  [UsageDimension.SERVICE_TIER]: 'service_tier',
  [UsageDimension.CLIENT]: 'client_id',
};

const groupColumns = z.object({
  model: z.enum(VideoModel).nullable(),
  mode: z.enum(GenerationMode).nullable(),
  resolution: z.enum(VideoResolution).nullable(),
  service_tier: z.enum(ServiceTier).nullable(),
  client_id: z.string().nullable(),
});

/**
 * Usage sums as one grouped SQL query: every task submitted in the range counts in `tasks`;
 * its usage record (one per finished task, so counted once) adds the outcome, money and
 * tokens. Money is summed in nano-USD integers and read back as text, so it is exact on
 * both engines (a float never holds it).
 */
export class UsageQueries {
  constructor(private readonly db: Kysely<Database>) {}

  async sums(query: UsageSumsQuery): Promise<UsageSumsRow[]> {
    const dimensions = [...new Set(query.groupBy)].map((dimension) => COLUMN_OF[dimension]);
    const grouped = query.period ? [query.period, ...dimensions] : dimensions;
    const rows = await this.db
      .selectFrom('tasks as t')
      .leftJoin('usage_records as u', 'u.task_id', 't.id')
      .select(grouped.map((column) => `t.${column}` as const))
      .select((eb) => [
        eb.fn.countAll().as('tasks'),
        countOf(VideoTaskStatus.SUCCEEDED).as('succeeded'),
        countOf(VideoTaskStatus.FAILED).as('failed'),
        countOf(VideoTaskStatus.EXPIRED).as('expired'),
        sql<string>`CAST(COALESCE(SUM(u.cost_nanos), 0) AS TEXT)`.as('cost_nanos'),
        sql<string>`CAST(COALESCE(SUM(u.discount_nanos), 0) AS TEXT)`.as('discount_nanos'),
        sql<string>`CAST(COALESCE(SUM(u.input_tokens), 0) AS TEXT)`.as('input_tokens'),
        sql<string>`CAST(COALESCE(SUM(u.output_tokens), 0) AS TEXT)`.as('output_tokens'),
        sql<string>`CAST(COALESCE(SUM(u.total_tokens), 0) AS TEXT)`.as('total_tokens'),
        sql<string>`CAST(COALESCE(SUM(u.generated_videos), 0) AS TEXT)`.as('generated_videos'),
        sql<string>`CAST(COALESCE(SUM(u.video_ticks), 0) AS TEXT)`.as('video_ticks'),
      ])
      .where('t.created_at_ms', '>=', query.fromMs)
      .where('t.created_at_ms', '<', query.toMs)
      .$if(query.clientId !== undefined, (qb) => qb.where('t.client_id', '=', query.clientId!))
      .$if(grouped.length > 0, (qb) => qb.groupBy(grouped.map((column) => `t.${column}` as const)))
      .execute();
    return rows.map((row) => rowOf(row as Record<string, unknown>, query.period));
  }

  /**
   * The usage versions of the UTC days from the one starting at `firstDayMs` up to `toMs`, as
   * one string: it changes whenever a task of one of those days is submitted or finishes, on
   * any replica (see `SqlTaskRepository`).
   */
  async versionsOf(firstDayMs: number, toMs: number): Promise<string> {
    const rows = await this.db
      .selectFrom('usage_versions')
      .select(['day_ms', 'version'])
      .where('day_ms', '>=', firstDayMs)
      .where('day_ms', '<', toMs)
      .orderBy('day_ms')
      .execute();
    return rows.map((row) => `${String(row.day_ms)}:${String(row.version)}`).join(',');
  }
}

function countOf(status: VideoTaskStatus) {
  return sql<number>`SUM(CASE WHEN u.status = ${status} THEN 1 ELSE 0 END)`;
}

function rowOf(row: Record<string, unknown>, period: UsagePeriodColumn | undefined): UsageSumsRow {
  const columns = groupColumns.safeParse({
    model: row.model ?? null,
    mode: row.mode ?? null,
    resolution: row.resolution ?? null,
    service_tier: row.service_tier ?? null,
    client_id: row.client_id ?? null,
  });
  if (!columns.success) throw new StoredDataError('tasks: a usage group with an unknown dimension value');
  const count = (name: string): number => integerOf(row[name] ?? 0, `usage sum ${name}`);
  return {
    periodMs: period ? integerOf(row[period], `usage period ${period}`) : undefined,
    group: {
      model: columns.data.model,
      mode: columns.data.mode,
      resolution: columns.data.resolution,
      serviceTier: columns.data.service_tier,
      clientId: columns.data.client_id,
    },
    sums: {
      tasks: count('tasks'),
      succeeded: count('succeeded'),
      failed: count('failed'),
      expired: count('expired'),
      costUsd: decimalOfNanos(row.cost_nanos),
      discountUsd: decimalOfNanos(row.discount_nanos),
      inputTokens: count('input_tokens'),
      outputTokens: count('output_tokens'),
      totalTokens: count('total_tokens'),
      generatedVideos: count('generated_videos'),
      videoTicks: count('video_ticks'),
    },
  };
}
