/**
 * UTC calendar periods for usage: hours, days and months, as half-open [start, end) ranges
 * of epoch milliseconds. Months have 28 to 31 days, so they are computed with `Date.UTC`,
 * never with a fixed length.
 */

/** A calendar unit; the aggregates cached by the store are per unit. */
export enum PeriodKind {
  /** The finest unit: it keeps what a report of the current hour recomputes to the last minute or so. */
  MINUTE = 'minute',
  HOUR = 'hour',
  DAY = 'day',
  MONTH = 'month',
}

/** A whole calendar unit: [startMs, endMs) with startMs aligned to the unit. */
export interface CalendarPeriod {
  kind: PeriodKind;
  startMs: number;
  endMs: number;
}

/** A part of a range that is not a whole calendar unit (the ragged edges of an unaligned range). */
export interface PartialPeriod {
  kind: 'partial';
  startMs: number;
  endMs: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Start of the unit of `kind` that contains `ms`. */
export function periodStart(kind: PeriodKind, ms: number): number {
  switch (kind) {
    case PeriodKind.MINUTE:
      return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
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
    case PeriodKind.MINUTE:
      return periodStart(kind, ms) + MINUTE_MS;
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

/** The whole unit of `kind` that contains `ms`. */
export function periodContaining(kind: PeriodKind, ms: number): CalendarPeriod {
  return { kind, startMs: periodStart(kind, ms), endMs: nextPeriodStart(kind, ms) };
}

/** Largest first: a range is covered with as few pieces as possible. */
const BY_SIZE = [PeriodKind.MONTH, PeriodKind.DAY, PeriodKind.HOUR, PeriodKind.MINUTE] as const;

/**
 * Covers [fromMs, toMs) with disjoint pieces, in time order: whole months, days, hours and
 * minutes wherever they fit and end at or before `wholeUntilMs`, and partial pieces for the
 * rest (unaligned edges, and everything after `wholeUntilMs`, one piece per minute at most).
 *
 * `wholeUntilMs` is where periods stop being final (see the usage store): whole periods are
 * the ones whose aggregate may be cached, so nothing that can still change is one.
 */
export function coverRange(fromMs: number, toMs: number, wholeUntilMs: number): Array<CalendarPeriod | PartialPeriod> {
  const pieces: Array<CalendarPeriod | PartialPeriod> = [];
  let at = fromMs;
  while (at < toMs) {
    const whole = BY_SIZE.find((kind) => periodStart(kind, at) === at && nextPeriodStart(kind, at) <= Math.min(toMs, wholeUntilMs));
    if (whole) {
      const endMs = nextPeriodStart(whole, at);
      pieces.push({ kind: whole, startMs: at, endMs });
      at = endMs;
    } else {
      const endMs = Math.min(toMs, nextPeriodStart(PeriodKind.MINUTE, at));
      pieces.push({ kind: 'partial', startMs: at, endMs });
      at = endMs;
    }
  }
  return pieces;
}
