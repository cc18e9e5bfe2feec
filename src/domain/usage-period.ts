/**
 * UTC calendar periods for usage: hours, days and months, as half-open [start, end) ranges
 * of epoch milliseconds. Months have 28 to 31 days, so they are computed with `Date.UTC`,
 * never with a fixed length.
 */

/** A calendar unit: usage is grouped by the hours, days and months tasks were submitted in. */
export enum PeriodKind {
  HOUR = 'hour',
  DAY = 'day',
  MONTH = 'month',
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Start of the unit of `kind` that contains `ms`. */
export function periodStart(kind: PeriodKind, ms: number): number {
  switch (kind) {
    case PeriodKind.HOUR:
      return Math.floor(ms / HOUR_MS) * HOUR_MS;
    case PeriodKind.DAY:
      return Math.floor(ms / DAY_MS) * DAY_MS;
    case PeriodKind.MONTH: {
      const date = new Date(ms);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    }
  }
}

/** Start of the unit of `kind` after the one that contains `ms`. */
export function nextPeriodStart(kind: PeriodKind, ms: number): number {
  switch (kind) {
    case PeriodKind.HOUR:
      return periodStart(kind, ms) + HOUR_MS;
    case PeriodKind.DAY:
      return periodStart(kind, ms) + DAY_MS;
    case PeriodKind.MONTH: {
      const date = new Date(ms);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    }
  }
}
