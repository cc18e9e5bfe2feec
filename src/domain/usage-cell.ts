import type { UsageDimensions, UsageRecord } from './usage-record';
import { UsageTally, type UsageSums } from './usage-tally';

/** Totals of one combination of dimensions within a {@link UsageCell}. */
export interface UsageCellRow {
  dimensions: UsageDimensions;
  sums: UsageSums;
}

/**
 * The usage of one client's tasks submitted in one period, split by every dimension but the
 * client (any grouping of a report is a sum of rows, sorted by dimensions). Every task of the
 * period counts in `tasks`; finished ones also count their outcome, cost, tokens and videos;
 * the ids of the unfinished ones are in `pending` (in no particular order), so their outcome
 * can be added, once, when they finish.
 */
export interface UsageCell {
  rows: UsageCellRow[];
  pending: string[];
}

/** A task of the period, as the cell builder needs to know it. */
export type CellTask =
  | { finished: true; record: UsageRecord }
  | { finished: false; taskId: string; dimensions: UsageDimensions };

/** Stable key of a combination of dimensions. */
function dimensionsKey(d: UsageDimensions): string {
  return `${d.model}|${d.mode}|${d.resolution}|${d.serviceTier}`;
}

/** Rows by key, as running tallies. */
class RowTallies {
  private readonly rows = new Map<string, { dimensions: UsageDimensions; tally: UsageTally }>();

  constructor(rows: readonly UsageCellRow[] = []) {
    for (const row of rows) this.row(row.dimensions).addSums(row.sums);
  }

  row(dimensions: UsageDimensions): UsageTally {
    const key = dimensionsKey(dimensions);
    let row = this.rows.get(key);
    if (!row) {
      row = { dimensions: { model: dimensions.model, mode: dimensions.mode, resolution: dimensions.resolution, serviceTier: dimensions.serviceTier }, tally: new UsageTally() };
      this.rows.set(key, row);
    }
    return row.tally;
  }

  toRows(): UsageCellRow[] {
    // Sorted, so equal cells are equal values (and stored values do not depend on input order).
    return [...this.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => ({ dimensions: row.dimensions, sums: row.tally.toSums() }));
  }
}

/**
 * The cell of a period from its tasks. Each task must appear once (callers pass index
 * entries, which are unique per task id; a repeated id is counted once anyway).
 */
export function buildUsageCell(tasks: Iterable<CellTask>): UsageCell {
  const rows = new RowTallies();
  const pending: string[] = [];
  const seen = new Set<string>();
  for (const task of tasks) {
    const taskId = task.finished ? task.record.taskId : task.taskId;
    if (seen.has(taskId)) continue;
    seen.add(taskId);
    if (task.finished) {
      rows.row(task.record).addSubmission().addRecord(task.record);
    } else {
      rows.row(task.dimensions).addSubmission();
      pending.push(taskId);
    }
  }
  return { rows: rows.toRows(), pending };
}

/**
 * The cell after some of its pending tasks finished: each pending task with a record in
 * `records` has its outcome added (its submission is already counted) and leaves `pending`.
 * Records of tasks that are not pending are ignored, so nothing is ever added twice.
 * Returns the same cell object when nothing changed.
 */
export function settleUsageCell(cell: UsageCell, records: ReadonlyMap<string, UsageRecord>): UsageCell {
  if (!cell.pending.some((id) => records.has(id))) return cell;
  const rows = new RowTallies(cell.rows);
  const pending: string[] = [];
  for (const id of cell.pending) {
    const record = records.get(id);
    if (record) rows.row(record).addRecord(record);
    else pending.push(id);
  }
  return { rows: rows.toRows(), pending };
}
