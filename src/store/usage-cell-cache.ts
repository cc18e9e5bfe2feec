import type { Keyv } from 'keyv';
import { z } from 'zod';
import { GenerationMode, VideoModel } from '../domain/generation-mode';
import { ServiceTier, VideoResolution } from '../domain/generation-options';
import { isDecimalString } from '../domain/money';
import type { UsageCell } from '../domain/usage-cell';
import { periodContaining, PeriodKind, type CalendarPeriod } from '../domain/usage-period';
import { CoherentCache } from './coherent-cache';
import { StoredDataError } from './stored-data-error';

/** Namespace of the cached cells. */
export const USAGE_CELL_NAMESPACE = 'usage_cells';

/**
 * How long after its end a period can still receive tasks: a task's `createdAt` is taken just
 * before it is stored (milliseconds before; a blocked SQLite write gives up after 5 s), so one
 * submitted at 10:59:59.999 may be indexed a little after 11:00. A period is *final* (its set
 * of tasks no longer changes) once it ended at least this long ago; only final periods are
 * cached. A task stored later than that with an older `createdAt` (an import, a backfill)
 * invalidates the cells it falls in (see the repository), so this margin is about not doing
 * that for ordinary submissions, not about correctness.
 */
export const PERIOD_SETTLE_MS = 60_000;

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const decimal = z.string().refine(isDecimalString);
const storedCell = z.object({
  v: z.literal(1),
  rows: z.array(
    z.object({
      dimensions: z.object({ model: z.enum(VideoModel), mode: z.enum(GenerationMode), resolution: z.enum(VideoResolution), serviceTier: z.enum(ServiceTier) }),
      sums: z.object({
        tasks: count,
        succeeded: count,
        failed: count,
        expired: count,
        costUsd: decimal,
        discountUsd: decimal,
        inputTokens: count,
        outputTokens: count,
        totalTokens: count,
        generatedVideos: count,
        videoTicks: count,
      }),
    }),
  ),
  pending: z.array(z.string()),
});

const cellKey = (clientId: string, period: CalendarPeriod): string => `${period.kind}:${period.startMs}:${clientId}`;

/** Parsed cells kept in process: a year of days for a dozen clients. */
const CACHE_CAPACITY = 4096;

/**
 * Cached {@link UsageCell}s: one per (client, final minute | hour | day | month), written whole, never
 * read-modify-written. A cell is a function of its period's tasks and their usage records,
 * and a final period's task set no longer changes, so two processes (or requests) that
 * compute the same cell compute the same value (or, while some of its tasks are unfinished,
 * values that differ only in how many finished tasks were already folded in — each correct,
 * see `settleUsageCell`). Cells with no pending task are therefore valid for good.
 *
 * Parsed cells are also kept in process ({@link CoherentCache}: every write goes through it),
 * so a report of final periods reads nothing from the store.
 */
export class UsageCellCache {
  private readonly cache = new CoherentCache<UsageCell>(CACHE_CAPACITY);

  constructor(private readonly keyv: Keyv) {}

  /** Instants before this are in final periods, at `nowMs`. */
  static finalBefore(nowMs: number): number {
    return nowMs - PERIOD_SETTLE_MS;
  }

  /** Cached cells of `periods` for the client, in the same order (undefined where none). */
  async getMany(clientId: string, periods: readonly CalendarPeriod[]): Promise<Array<UsageCell | undefined>> {
    const found: Array<UsageCell | undefined> = [];
    for (let start = 0; start < periods.length; start += 200) {
      const keys = periods.slice(start, start + 200).map((period) => cellKey(clientId, period));
      const cells = await this.cache.readMany(keys, async (missing) => {
        const values = (await this.keyv.getMany(missing)) as unknown[];
        return values.map((value, i) => (value === undefined || value === null ? undefined : parse(value, missing[i]!)));
      });
      found.push(...cells);
    }
    return found;
  }

  /** Caches a cell (only of a final period: the caller's duty). */
  async put(clientId: string, period: CalendarPeriod, cell: UsageCell): Promise<void> {
    const key = cellKey(clientId, period);
    await this.cache.write(key, cell, async () => {
      // Pending ids sorted: equal cells are stored as equal values, whoever computed them.
      if (!(await this.keyv.set(key, { v: 1, rows: cell.rows, pending: [...cell.pending].sort() }))) throw new Error(`store write of usage cell ${key} failed`);
    });
  }

  /** Drops the cached minute, hour, day and month of the client that contain `ms` (their tasks changed). */
  async invalidate(clientId: string, ms: number): Promise<void> {
    const keys = Object.values(PeriodKind).map((kind) => cellKey(clientId, periodContaining(kind, ms)));
    await this.cache.drop(keys, async () => {
      await this.keyv.deleteMany(keys);
    });
  }

  /** Drops every cached cell. */
  async clear(): Promise<void> {
    await this.cache.dropAll(() => this.keyv.clear());
  }
}

function parse(value: unknown, key: string): UsageCell {
  const parsed = storedCell.safeParse(value);
  if (!parsed.success) throw new StoredDataError(`${USAGE_CELL_NAMESPACE}:${key}`);
  return { rows: parsed.data.rows, pending: parsed.data.pending };
}
