import { createHash } from 'node:crypto';
import type { Keyv } from 'keyv';
import { z } from 'zod';
import { compareUsageGroups, UsageDimension, usageGroupKey, type UsageGroup } from '../domain/usage-dimension';
import { ReportRangeError, timeBuckets, UsageGranularity, type TimeBucket } from '../domain/usage-granularity';
import { periodStart, PeriodKind } from '../domain/usage-period';
import { UsageTally, type UsageTotals } from '../domain/usage-tally';
import { CACHE_TTL_MS } from '../store/caches';
import type { UsagePeriodColumn, UsageQueries } from '../store/usage-queries';
import { ForbiddenQueryError, InvalidQueryError } from './query-errors';

/** Who asks (the GraphQL viewer, without depending on the GraphQL layer). */
export interface UsageViewer {
  clientId: string;
  admin: boolean;
}

/** A usage report request, as `usageReport` takes it. */
export interface UsageReportQuery {
  from: Date;
  to: Date;
  granularity?: UsageGranularity | null;
  groupBy?: readonly UsageDimension[] | null;
  /** Admins only: report this client alone. */
  clientId?: string | null;
}

/** One bucket of a report: a time bucket, split by the grouped dimensions (null when not grouped). */
export interface UsageBucket extends UsageGroup {
  start: string;
  end: string;
  totals: UsageTotals;
}

/** A usage report. */
export interface UsageReport {
  from: string;
  to: string;
  granularity: UsageGranularity;
  totals: UsageTotals;
  buckets: UsageBucket[];
}

/** Collaborators of {@link UsageReportService}. */
export interface UsageReportServiceDeps {
  usage: Pick<UsageQueries, 'sums' | 'versionsOf'>;
  /** Finished reports, keyed by query and usage versions (see {@link UsageReportService}). */
  cache: Keyv<string>;
  /** Most time buckets a report may have (`USAGE_REPORT_MAX_BUCKETS`). */
  maxBuckets: number;
}

/** Default of `granularity`. */
export const DEFAULT_GRANULARITY = UsageGranularity.DAY;

/** Bumped when the cached report format changes, so old entries are never read as new ones. */
const CACHE_FORMAT = 1;

/** What a cached report must look like to be served (the cache may be Redis: outside data). */
const cachedReport = z.looseObject({
  from: z.string(),
  to: z.string(),
  granularity: z.enum(UsageGranularity),
  buckets: z.array(z.unknown()),
});

/**
 * Usage reports (`usageReport`): what was submitted, finished and spent, per time bucket and
 * any grouping, exact to the last decimal.
 *
 * **Where the numbers come from.** One grouped SQL query (see `UsageQueries`): every task
 * submitted in the range counts in `tasks`; the usage record of a finished task (one row per
 * task id, written in the transaction that finished it) adds its outcome, money and tokens.
 * Nothing is ever incremented, so a task cannot be counted twice, whichever replica saw it end.
 *
 * **Cache.** Every write that changes what a day's report shows bumps that day's usage version
 * in its own transaction. A report is cached (keyv) under a digest of the query and the
 * versions of its days, read before the query: a cached report is served only while none of
 * its days changed, on any replica, so it is never stale; a report of today is recomputed
 * after every submission or end of today, and served from the cache in between.
 */
export class UsageReportService {
  constructor(private readonly deps: UsageReportServiceDeps) {
    if (!Number.isInteger(deps.maxBuckets) || deps.maxBuckets < 1)
      throw new RangeError('maxBuckets must be a positive integer');
  }

  /**
   * The report `viewer` asked for.
   * @throws ForbiddenQueryError when a non-admin passes `clientId` or groups by CLIENT
   * @throws InvalidQueryError when `to` is not after `from`, or the range has too many buckets
   */
  async report(viewer: UsageViewer, query: UsageReportQuery): Promise<UsageReport> {
    const granularity = query.granularity ?? DEFAULT_GRANULARITY;
    const groupBy = [...new Set(query.groupBy ?? [])];
    const requested = query.clientId ?? undefined;
    if (!viewer.admin && requested !== undefined)
      throw new ForbiddenQueryError('only admin clients may ask for the usage of a given clientId');
    if (!viewer.admin && groupBy.includes(UsageDimension.CLIENT))
      throw new ForbiddenQueryError('only admin clients may group usage by CLIENT');
    // Admins without a clientId see everyone; everyone else sees themselves.
    const clientId = viewer.admin ? requested : viewer.clientId;

    const fromMs = query.from.getTime();
    const toMs = query.to.getTime();
    let buckets: TimeBucket[];
    try {
      buckets = timeBuckets(fromMs, toMs, granularity, this.deps.maxBuckets);
    } catch (error) {
      if (error instanceof ReportRangeError) throw new InvalidQueryError(error.message, 'to');
      throw error;
    }

    const versions = await this.deps.usage.versionsOf(periodStart(PeriodKind.DAY, fromMs), toMs);
    const cacheKey = digest([CACHE_FORMAT, clientId ?? null, fromMs, toMs, granularity, [...groupBy].sort(), versions]);
    const cached = await this.deps.cache.get(cacheKey);
    if (typeof cached === 'string') {
      const parsed = cachedReport.safeParse(parseJson(cached));
      // Written by this service from a UsageReport; the shape check guards against a foreign value.
      if (parsed.success) return parsed.data as unknown as UsageReport;
    }
    const report = await this.compute(buckets, granularity, groupBy, clientId, query);
    await this.deps.cache.set(cacheKey, JSON.stringify(report), CACHE_TTL_MS.usageReports);
    return report;
  }

  private async compute(
    buckets: readonly TimeBucket[],
    granularity: UsageGranularity,
    groupBy: readonly UsageDimension[],
    clientId: string | undefined,
    query: UsageReportQuery,
  ): Promise<UsageReport> {
    const rows = await this.deps.usage.sums({
      fromMs: query.from.getTime(),
      toMs: query.to.getTime(),
      clientId,
      period: periodColumnOf(granularity),
      groupBy,
    });
    // Bucket index -> group key -> group and running totals.
    const grouped = buckets.map(() => new Map<string, { group: UsageGroup; tally: UsageTally }>());
    const totals = new UsageTally();
    for (const row of rows) {
      const bucket = row.periodMs === undefined ? 0 : bucketIndexOf(buckets, row.periodMs);
      const key = usageGroupKey(row.group);
      let entry = grouped[bucket]!.get(key);
      if (!entry) grouped[bucket]!.set(key, (entry = { group: row.group, tally: new UsageTally() }));
      entry.tally.addSums(row.sums);
      totals.addSums(row.sums);
    }
    const reportBuckets: UsageBucket[] = [];
    grouped.forEach((groups, bucket) => {
      const { startMs, endMs } = buckets[bucket]!;
      const bucketRows = [...groups.values()]
        .map(({ group, tally }) => ({ group, totals: tally.toTotals() }))
        .filter((row) => row.totals.tasks > 0);
      bucketRows.sort((a, b) => compareUsageGroups(a.group, b.group, groupBy));
      for (const row of bucketRows) {
        reportBuckets.push({
          start: new Date(startMs).toISOString(),
          end: new Date(endMs).toISOString(),
          ...row.group,
          totals: row.totals,
        });
      }
    });
    return {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      granularity,
      totals: totals.toTotals(),
      buckets: reportBuckets,
    };
  }
}

function periodColumnOf(granularity: UsageGranularity): UsagePeriodColumn | undefined {
  switch (granularity) {
    case UsageGranularity.HOUR:
      return 'hour_ms';
    case UsageGranularity.DAY:
      return 'day_ms';
    case UsageGranularity.MONTH:
      return 'month_ms';
    case UsageGranularity.TOTAL:
      return undefined;
  }
}

/**
 * The bucket a calendar period falls in. Buckets follow the same calendar boundaries except the
 * first, which may start inside a period: a period that starts before it belongs to it.
 */
function bucketIndexOf(buckets: readonly TimeBucket[], periodMs: number): number {
  const at = Math.max(periodMs, buckets[0]!.startMs);
  let low = 0;
  let high = buckets.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (buckets[mid]!.startMs <= at) low = mid;
    else high = mid - 1;
  }
  return low;
}

function digest(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
