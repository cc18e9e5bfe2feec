import { nextPeriodStart, PeriodKind } from './usage-period';

/** How a usage report splits its range in time. */
export enum UsageGranularity {
  HOUR = 'HOUR',
  DAY = 'DAY',
  MONTH = 'MONTH',
  /** One bucket: the whole range. */
  TOTAL = 'TOTAL',
}

/** A time bucket of a report: [startMs, endMs). */
export interface TimeBucket {
  startMs: number;
  endMs: number;
}

/** Raised for a report range that cannot be split as asked; the message says why. */
export class ReportRangeError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ReportRangeError';
  }
}

function periodKindOf(granularity: Exclude<UsageGranularity, UsageGranularity.TOTAL>): PeriodKind {
  switch (granularity) {
    case UsageGranularity.HOUR:
      return PeriodKind.HOUR;
    case UsageGranularity.DAY:
      return PeriodKind.DAY;
    case UsageGranularity.MONTH:
      return PeriodKind.MONTH;
  }
}

/**
 * The UTC buckets of [fromMs, toMs), in time order. Buckets follow calendar boundaries; the
 * first and last are cut at `fromMs` and `toMs` when those are not on a boundary, so the
 * buckets always partition the range exactly.
 * @throws ReportRangeError when toMs <= fromMs, or when there would be more than `maxBuckets`
 *   (checked before building any, so a huge range costs nothing)
 */
export function timeBuckets(
  fromMs: number,
  toMs: number,
  granularity: UsageGranularity,
  maxBuckets: number,
): TimeBucket[] {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs))
    throw new ReportRangeError('from and to must be valid instants');
  if (toMs <= fromMs) throw new ReportRangeError('to must be later than from');
  if (granularity === UsageGranularity.TOTAL) return [{ startMs: fromMs, endMs: toMs }];
  const kind = periodKindOf(granularity);
  const buckets: TimeBucket[] = [];
  for (let at = fromMs; at < toMs;) {
    if (buckets.length === maxBuckets) {
      throw new ReportRangeError(
        `the range spans more than ${maxBuckets} ${granularity} buckets (the maximum); ask for a shorter range or a ` +
          `coarser granularity`,
      );
    }
    const endMs = Math.min(toMs, nextPeriodStart(kind, at));
    buckets.push({ startMs: at, endMs });
    at = endMs;
  }
  return buckets;
}
