import { buildUsageCell, settleUsageCell, type CellTask, type UsageCell } from '../domain/usage-cell';
import { compareUsageGroups, UsageDimension, usageGroupKey, usageGroupOf, type UsageGroup } from '../domain/usage-dimension';
import { ReportRangeError, timeBuckets, UsageGranularity, type TimeBucket } from '../domain/usage-granularity';
import { coverRange, periodStart, PeriodKind, type CalendarPeriod, type PartialPeriod } from '../domain/usage-period';
import { isTerminal } from '../domain/task-status';
import type { UsageRecord } from '../domain/usage-record';
import { UsageTally, type UsageTotals } from '../domain/usage-tally';
import type { VideoTask } from '../domain/video-task';
import type { HistoryClient, HistoryEntry, TaskHistoryIndex } from '../store/task-history-index';
import { PERIOD_SETTLE_MS, UsageCellCache } from '../store/usage-cell-cache';
import type { UsageRecordStore } from '../store/usage-record-store';
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
  history: Pick<TaskHistoryIndex, 'between' | 'clients' | 'client'>;
  records: Pick<UsageRecordStore, 'getMany'>;
  cells: Pick<UsageCellCache, 'getMany' | 'put'>;
  tasks: {
    getMany(ids: readonly string[]): Promise<Array<VideoTask | undefined>>;
    /** Repairs a finished task's derived data and returns its record (see the repository). */
    settle(id: string): Promise<UsageRecord | undefined>;
  };
  /** Most time buckets a report may have (`USAGE_REPORT_MAX_BUCKETS`). */
  maxBuckets: number;
  now?: () => number;
}

type Piece = CalendarPeriod | PartialPeriod;

/** Default of `granularity`. */
export const DEFAULT_GRANULARITY = UsageGranularity.DAY;

/**
 * Usage reports (`usageReport`): what was submitted, finished and spent, per time bucket and
 * any grouping, exact to the last decimal.
 *
 * **Where the numbers come from.** Each finished task has one usage record, keyed by its id
 * (see `IndexedTaskRepository`); a task counts in `tasks` from its history entry, and in the
 * outcome and money columns from its record. Nothing is ever incremented, so a task cannot be
 * counted twice however often its end was observed, and no write can be lost to a concurrent
 * one.
 *
 * **How it stays fast.** A client's tasks of one calendar minute, hour, day or month are summed
 * into a {@link UsageCell}; cells of *final* periods (ended at least {@link PERIOD_SETTLE_MS}
 * ago, so no task can still be added to them) are cached in keyv, whole (and kept parsed in
 * process). A cell whose tasks are all finished is valid for good; one with unfinished tasks
 * lists them as `pending`, and a later report adds the outcomes of those that finished since
 * (their records), and re-caches it. A report covers each bucket with the largest whole
 * periods it can (months, then days, hours, minutes) and reads only sub-minute edges and the
 * last, not yet final, minute or two from the history: a past day of 100,000 tasks is one
 * cached cell, today is its past hours and minutes plus about a minute of entries.
 *
 * **Reads.** A report reads history entries (which carry status and dimensions), the usage
 * records of finished tasks, and cached cells; never unfinished tasks. An entry whose task was
 * never stored (an insert cut short by a crash) is removed at start-up, before any report.
 *
 * **Repair on read.** A finished task without a record (a crash between the two writes) is
 * repaired through the repository's `settle` when a report computes its period, before it is
 * counted; start-up repairs every such task anyway.
 */
export class UsageReportService {
  private readonly now: () => number;

  constructor(private readonly deps: UsageReportServiceDeps) {
    if (!Number.isInteger(deps.maxBuckets) || deps.maxBuckets < 1) throw new RangeError('maxBuckets must be a positive integer');
    this.now = deps.now ?? Date.now;
  }

  /**
   * The report `viewer` asked for.
   * @throws ForbiddenQueryError when a non-admin passes `clientId` or groups by CLIENT
   * @throws InvalidQueryError when `to` is not after `from`, or the range has too many buckets
   */
  async report(viewer: UsageViewer, query: UsageReportQuery): Promise<UsageReport> {
    const granularity = query.granularity ?? DEFAULT_GRANULARITY;
    const groupBy = [...new Set(query.groupBy ?? [])];
    const clientId = query.clientId ?? undefined;
    if (!viewer.admin && clientId !== undefined) throw new ForbiddenQueryError('only admin clients may ask for the usage of a given clientId');
    if (!viewer.admin && groupBy.includes(UsageDimension.CLIENT)) throw new ForbiddenQueryError('only admin clients may group usage by CLIENT');

    const fromMs = query.from.getTime();
    const toMs = query.to.getTime();
    let buckets: TimeBucket[];
    try {
      buckets = timeBuckets(fromMs, toMs, granularity, this.deps.maxBuckets);
    } catch (error) {
      if (error instanceof ReportRangeError) throw new InvalidQueryError(error.message, 'to');
      throw error;
    }

    const nowMs = this.now();
    const clients = await this.clientsFor(viewer, clientId);
    // Bucket index -> group key -> group and running totals.
    const grouped = buckets.map(() => new Map<string, { group: UsageGroup; tally: UsageTally }>());
    const totals = new UsageTally();
    for (const client of clients) {
      const cellsByBucket = await this.cellsOf(client, buckets, nowMs);
      cellsByBucket.forEach((cells, bucket) => {
        for (const cell of cells) {
          for (const row of cell.rows) {
            const group = usageGroupOf(row.dimensions, client.clientId, groupBy);
            const key = usageGroupKey(group);
            let entry = grouped[bucket]!.get(key);
            if (!entry) grouped[bucket]!.set(key, (entry = { group, tally: new UsageTally() }));
            entry.tally.addSums(row.sums);
            totals.addSums(row.sums);
          }
        }
      });
    }

    const reportBuckets: UsageBucket[] = [];
    grouped.forEach((groups, bucket) => {
      const { startMs, endMs } = buckets[bucket]!;
      const rows = [...groups.values()].map(({ group, tally }) => ({ group, totals: tally.toTotals() })).filter((row) => row.totals.tasks > 0);
      rows.sort((a, b) => compareUsageGroups(a.group, b.group, groupBy));
      for (const row of rows) reportBuckets.push({ start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(), ...row.group, totals: row.totals });
    });
    return { from: query.from.toISOString(), to: query.to.toISOString(), granularity, totals: totals.toTotals(), buckets: reportBuckets };
  }

  private async clientsFor(viewer: UsageViewer, clientId: string | undefined): Promise<HistoryClient[]> {
    if (viewer.admin && clientId === undefined) return this.deps.history.clients();
    const client = await this.deps.history.client(clientId ?? viewer.clientId);
    return client ? [client] : [];
  }

  /**
   * The cells covering each bucket for one client. Time before the client's first task, and
   * after now (tasks are never created in the future; the settle margin covers the instant a
   * task takes to be stored), is known to be empty and not read at all.
   */
  private async cellsOf(client: HistoryClient, buckets: readonly TimeBucket[], nowMs: number): Promise<UsageCell[][]> {
    const finalBefore = UsageCellCache.finalBefore(nowMs);
    const latest = nowMs + PERIOD_SETTLE_MS;
    // From the start of the month of the first task, not the task's instant: whole periods are cacheable.
    const earliest = periodStart(PeriodKind.MONTH, client.firstCreatedAtMs);
    const piecesByBucket = buckets.map(({ startMs, endMs }) => {
      const from = Math.max(startMs, earliest);
      const to = Math.min(endMs, latest);
      return from < to ? coverRange(from, to, finalBefore) : [];
    });
    const pieces = piecesByBucket.flat();
    const cells = new Map<Piece, UsageCell>();

    // Whole periods: from the cache where possible.
    const periods = pieces.filter((piece): piece is CalendarPeriod => piece.kind !== 'partial');
    const cached = await this.deps.cells.getMany(client.clientId, periods);
    const toCompute: Piece[] = pieces.filter((piece) => piece.kind === 'partial');
    const withPending: Array<{ period: CalendarPeriod; cell: UsageCell }> = [];
    periods.forEach((period, i) => {
      const cell = cached[i];
      if (!cell) toCompute.push(period);
      else if (cell.pending.length > 0) withPending.push({ period, cell });
      else cells.set(period, cell);
    });

    // Cached cells with unfinished tasks: add the outcomes of those that finished since.
    if (withPending.length > 0) {
      const records = await this.recordsOf(withPending.flatMap(({ cell }) => cell.pending));
      for (const { period, cell } of withPending) {
        const settled = settleUsageCell(cell, records);
        if (settled !== cell) await this.deps.cells.put(client.clientId, period, settled);
        cells.set(period, settled);
      }
    }

    // Everything else from the history, one read per run of adjacent pieces.
    toCompute.sort((a, b) => a.startMs - b.startMs);
    for (const run of adjacentRuns(toCompute)) {
      const entries = await this.deps.history.between(client.clientId, run[0]!.startMs, run[run.length - 1]!.endMs);
      const computed = await this.buildCells(client.clientId, run, entries);
      run.forEach((piece, i) => cells.set(piece, computed[i]!));
      // Empty periods too: otherwise every report of a sparse range would read the history again.
      await Promise.all(run.map((piece, i) => (piece.kind === 'partial' ? undefined : this.deps.cells.put(client.clientId, piece, computed[i]!))));
    }
    return piecesByBucket.map((bucketPieces) => bucketPieces.map((piece) => cells.get(piece)!));
  }

  /**
   * The cells of `pieces` (adjacent, in order) from their history `entries` (oldest first).
   * Entries carry status and dimensions, so only finished tasks are looked up, by their usage
   * record; a finished entry without a record (a crash between the two writes) is repaired
   * through the repository before it is counted.
   */
  private async buildCells(clientId: string, pieces: readonly Piece[], entries: readonly HistoryEntry[]): Promise<UsageCell[]> {
    const finishedIds = entries.filter((entry) => isTerminal(entry.status)).map((entry) => entry.taskId);
    const records = new Map<string, UsageRecord>();
    (await this.deps.records.getMany(finishedIds)).forEach((record, i) => record && records.set(finishedIds[i]!, record));
    const unrecorded = finishedIds.filter((id) => !records.has(id));
    const missing = new Set<string>();
    if (unrecorded.length > 0) {
      const tasks = await this.deps.tasks.getMany(unrecorded);
      for (let i = 0; i < unrecorded.length; i += 1) {
        const task = tasks[i];
        // No task: an insert that never completed, whose entry start-up removes; not submitted.
        if (!task || task.clientId !== clientId) missing.add(unrecorded[i]!);
        else if (isTerminal(task.status)) {
          const record = await this.deps.tasks.settle(task.id);
          if (record) records.set(task.id, record);
        }
      }
    }
    // Entries still unfinished in the history may belong to tasks whose end is stored but whose
    // derived writes are still under way: count those ends now (read-your-writes).
    for (const [taskId, record] of await this.justFinished(entries.filter((entry) => !isTerminal(entry.status)).map((entry) => entry.taskId))) {
      records.set(taskId, record);
    }

    let next = 0;
    return pieces.map((piece) => {
      const inPiece: CellTask[] = [];
      for (; next < entries.length && entries[next]!.createdAtMs < piece.endMs; next += 1) {
        const entry = entries[next]!;
        if (entry.createdAtMs < piece.startMs || missing.has(entry.taskId)) continue;
        const record = records.get(entry.taskId);
        inPiece.push(record ? { finished: true, record } : { finished: false, taskId: entry.taskId, dimensions: entry });
      }
      return buildUsageCell(inPiece);
    });
  }

  /**
   * The records of those of `taskIds` that have one (finished since). Tasks still without a
   * record stay pending; a finished one whose record a crash prevented is repaired at start-up.
   */
  private async recordsOf(taskIds: readonly string[]): Promise<Map<string, UsageRecord>> {
    const found = new Map<string, UsageRecord>();
    (await this.deps.records.getMany(taskIds)).forEach((record, i) => record && found.set(taskIds[i]!, record));
    for (const [taskId, record] of await this.justFinished(taskIds.filter((id) => !found.has(id)))) found.set(taskId, record);
    return found;
  }

  /**
   * Records of those of `taskIds` (tasks the history still shows unfinished, so few: the active
   * ones) whose stored task is already finished. `settle` runs under the task's lock, so it waits
   * for an update still writing its derived data, and a task reported finished by `videoTask` is
   * never counted as unfinished by a report read after it.
   */
  private async justFinished(taskIds: readonly string[]): Promise<Map<string, UsageRecord>> {
    const found = new Map<string, UsageRecord>();
    if (taskIds.length === 0) return found;
    const tasks = await this.deps.tasks.getMany(taskIds);
    for (const task of tasks) {
      if (!task || !isTerminal(task.status)) continue;
      const record = await this.deps.tasks.settle(task.id);
      if (record) found.set(task.id, record);
    }
    return found;
  }
}

/** Splits time-ordered pieces into runs where each piece starts where the previous ended. */
function adjacentRuns(pieces: readonly Piece[]): Piece[][] {
  const runs: Piece[][] = [];
  for (const piece of pieces) {
    const run = runs[runs.length - 1];
    if (run && run[run.length - 1]!.endMs === piece.startMs) run.push(piece);
    else runs.push([piece]);
  }
  return runs;
}
