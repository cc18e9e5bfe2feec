import type { Insertable, Kysely, Transaction } from 'kysely';
import { isTerminal, VideoTaskStatus, type UnfinishedStatus } from '../domain/task-status';
import { periodStart, PeriodKind } from '../domain/usage-period';
import type { VideoTask } from '../domain/video-task';
import type { Database, UsageRollupsTable } from './tables';
import type { TaskChangeAnnouncer } from './task-change-feed';
import { DuplicateTaskError, type TaskRepository } from './task-repository';
import {
  fixedFieldsOf,
  integerOf,
  parseTaskData,
  ROLLUP_SUM_COLUMNS,
  rollupDeltaOf,
  taskColumnsOf,
  usageRowOf,
} from './task-rows';

/** Ids per `IN (...)` list: well under SQLite's and PostgreSQL's parameter limits. */
const READ_BATCH = 500;
/** Compare-and-set attempts before an update gives up (only a pathological write storm gets there). */
const MAX_UPDATE_ATTEMPTS = 50;

/**
 * Whether a task in `status` holds a submission slot: while its create is in flight and while it
 * runs upstream. An unknown outcome holds none (nothing might ever free it; an adoption takes one
 * again), nor does a finished task.
 */
function holdsSlot(status: VideoTaskStatus): boolean {
  return !isTerminal(status) && status !== VideoTaskStatus.OUTCOME_UNKNOWN;
}

const UNFINISHED_STATUSES = Object.values(VideoTaskStatus).filter((status) => !isTerminal(status));

/**
 * Whether a new task is announced to subscribers: not while its create is in flight (a refused
 * create deletes it, and nobody should have seen it); its confirmation is its first change.
 */
function isAnnounced(task: VideoTask): boolean {
  return task.status !== VideoTaskStatus.SUBMITTING;
}

/** Who polls the tasks this repository inserts (see `PollLeases`). */
export interface InsertLease {
  owner: string;
  leaseMs: number;
}

/** Collaborators of {@link SqlTaskRepository}. */
export interface SqlTaskRepositoryDeps {
  db: Kysely<Database>;
  announcer: TaskChangeAnnouncer;
  /** Unfinished tasks are inserted leased to this replica, which polls them first. */
  lease?: InsertLease;
  /**
   * Told about every write this process commits (`before` undefined for an insert): metrics and
   * end-of-task logs count each change once, on the replica that made it.
   */
  onWrite?: (before: VideoTask | undefined, after: VideoTask) => void;
  now?: () => number;
}

/**
 * The gateway's {@link TaskRepository} on SQL: one row per task, and in the same transaction
 * as every write, what is derived from it:
 *
 * - a finished task's usage record (one row per task id: counted once, however often its end
 *   is observed, by whichever replica);
 * - its hourly usage rollup (what reports sum), moved by the difference the write makes;
 * - the usage version of its creation day (cached usage reports of that day stop matching);
 * - its submission slot: held from its insert (which commits the submission's reservation)
 *   while its create is in flight or it runs, freed once it is finished or its outcome unknown;
 * - the change announcement (PostgreSQL: a NOTIFY, delivered to every replica on commit), for
 *   every write but the insert of a create still in flight.
 *
 * Updates are compare-and-set on `revision`: `change` runs on the current row, and the write
 * only lands if nobody else wrote in between; otherwise it runs again on the newer row. Two
 * replicas observing one task therefore never lose or duplicate a change.
 */
export class SqlTaskRepository implements TaskRepository {
  private readonly now: () => number;
  /** Writes in progress: closing the store waits for them (see {@link drain}). */
  private readonly writes = new Set<Promise<unknown>>();

  constructor(private readonly deps: SqlTaskRepositoryDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Resolves once every write in progress has settled: the store closes the database after it. */
  async drain(): Promise<void> {
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }

  /** {@inheritDoc TaskRepository.insert} */
  insert(task: VideoTask): Promise<void> {
    return this.track(this.insertNow(task));
  }

  /**
   * {@inheritDoc TaskRepository.update}
   *
   * Also rejects, writing nothing, a change that alters the client, creation time, model, mode,
   * resolution or service tier (rows are keyed and grouped by them).
   */
  update(id: string, change: (current: VideoTask) => VideoTask | null): Promise<VideoTask | undefined> {
    return this.track(this.updateNow(id, change));
  }

  /** Remembers `write` until it settles. */
  private track<T>(write: Promise<T>): Promise<T> {
    this.writes.add(write);
    const forget = () => void this.writes.delete(write);
    write.then(forget, forget);
    return write;
  }

  private async insertNow(task: VideoTask): Promise<void> {
    const columns = taskColumnsOf(task);
    const stored = parseTaskData(columns.data, task.id);
    const leased = this.leaseFor(task);
    await this.deps.db.transaction().execute(async (trx) => {
      const result = await trx
        .insertInto('tasks')
        .values({ ...columns, lease_owner: leased?.owner ?? null, lease_until_ms: leased?.until ?? null })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0n) !== 1) throw new DuplicateTaskError(task.id);
      await this.derive(trx, undefined, stored, isAnnounced(stored));
    });
    if (isAnnounced(stored)) this.deps.announcer.after(stored);
    this.deps.onWrite?.(undefined, stored);
  }

  /**
   * Stores tasks in bulk, in one transaction, skipping ids already stored (an import that
   * runs again adds nothing). Unleased: the pollers claim the unfinished ones. No change is
   * announced: nothing listens before the gateway starts.
   */
  insertMany(tasks: readonly VideoTask[]): Promise<number> {
    return this.track(this.insertManyNow(tasks));
  }

  private async insertManyNow(tasks: readonly VideoTask[]): Promise<number> {
    let inserted = 0;
    await this.deps.db.transaction().execute(async (trx) => {
      for (const task of tasks) {
        const columns = taskColumnsOf(task);
        const result = await trx
          .insertInto('tasks')
          .values({ ...columns, lease_owner: null, lease_until_ms: null })
          .onConflict((conflict) => conflict.column('id').doNothing())
          .executeTakeFirst();
        if (Number(result.numInsertedOrUpdatedRows ?? 0n) !== 1) continue;
        inserted += 1;
        await this.derive(trx, undefined, parseTaskData(columns.data, task.id), false);
      }
    });
    return inserted;
  }

  /** {@inheritDoc TaskRepository.get} */
  async get(id: string): Promise<VideoTask | undefined> {
    const row = await this.deps.db.selectFrom('tasks').select('data').where('id', '=', id).executeTakeFirst();
    return row ? parseTaskData(row.data, id) : undefined;
  }

  /** Tasks of `ids`, in the same order (undefined where unknown). */
  async getMany(ids: readonly string[]): Promise<Array<VideoTask | undefined>> {
    const found = new Map<string, VideoTask>();
    for (let start = 0; start < ids.length; start += READ_BATCH) {
      const batch = ids.slice(start, start + READ_BATCH);
      const rows = await this.deps.db.selectFrom('tasks').select(['id', 'data']).where('id', 'in', batch).execute();
      for (const row of rows) found.set(row.id, parseTaskData(row.data, row.id));
    }
    return ids.map((id) => found.get(id));
  }

  /** The compare-and-set loop of {@link update}. */
  private async updateNow(
    id: string,
    change: (current: VideoTask) => VideoTask | null,
  ): Promise<VideoTask | undefined> {
    for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt += 1) {
      const current = await this.get(id);
      if (!current) return undefined;
      const proposed = change(structuredClone(current));
      if (proposed === null) return current;
      if (proposed.id !== id) throw new Error(`update of task ${id} may not change its id`);
      if (fixedFieldsOf(proposed) !== fixedFieldsOf(current)) {
        throw new Error(
          `update of task ${id} may not change its client, creation time, model, mode, resolution or service tier`,
        );
      }
      const next = parseTaskData(JSON.stringify({ ...proposed, revision: current.revision + 1 }), id);
      const columns = taskColumnsOf(next);
      // A create confirmed (or adopted) here: this replica polls it first.
      const leased = current.upstreamTaskId === null ? this.leaseFor(next) : undefined;
      const written = await this.deps.db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('tasks')
          .set({
            status: columns.status,
            finished: columns.finished,
            revision: columns.revision,
            upstream_task_id: columns.upstream_task_id,
            data: columns.data,
            ...(leased ? { lease_owner: leased.owner, lease_until_ms: leased.until } : {}),
          })
          .where('id', '=', id)
          .where('revision', '=', current.revision)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await this.derive(trx, current, next);
        return true;
      });
      if (written) {
        this.deps.announcer.after(next);
        this.deps.onWrite?.(current, next);
        return next;
      }
    }
    throw new Error(`task ${id} kept changing under ${MAX_UPDATE_ATTEMPTS} update attempts`);
  }

  /** {@inheritDoc TaskRepository.markSynced} */
  async markSynced(id: string, syncedAt: string): Promise<void> {
    // Same revision, written only if nobody wrote in between: a quiet read is not a change, and
    // one lost to a concurrent write is overtaken by that write's own read time anyway.
    const current = await this.get(id);
    if (!current || isTerminal(current.status)) return;
    await this.deps.db
      .updateTable('tasks')
      .set({ data: JSON.stringify({ ...current, syncedAt }) })
      .where('id', '=', id)
      .where('revision', '=', current.revision)
      .execute();
  }

  /** {@inheritDoc TaskRepository.listByStatus} */
  async listByStatus(statuses: readonly UnfinishedStatus[]): Promise<VideoTask[]> {
    if (statuses.length === 0) return [];
    const rows = await this.deps.db
      .selectFrom('tasks')
      .select(['id', 'data'])
      .where('finished', '=', 0)
      .where('status', 'in', statuses)
      .execute();
    return rows.map((row) => parseTaskData(row.data, row.id));
  }

  /**
   * {@inheritDoc TaskRepository.delete}
   *
   * In one transaction with the task: its slot, its share of the hourly rollup and its day's
   * usage version. Announced to nobody: a task that never existed upstream has no subscribers
   * to tell (its submitter gets the refusal).
   */
  async delete(id: string): Promise<boolean> {
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('tasks').select('data').where('id', '=', id).executeTakeFirst();
      if (!row) return false;
      const task = parseTaskData(row.data, id);
      if (task.status !== VideoTaskStatus.SUBMITTING) {
        throw new Error(`task ${id} is ${task.status}: only a SUBMITTING task may be deleted`);
      }
      const result = await trx
        .deleteFrom('tasks')
        .where('id', '=', id)
        .where('revision', '=', task.revision)
        .executeTakeFirst();
      // Changed meanwhile (confirmed by its create): it exists upstream and stays.
      if (Number(result.numDeletedRows) !== 1) throw new Error(`task ${id} changed while being deleted`);
      await trx.deleteFrom('task_slots').where('task_id', '=', id).execute();
      const rollup = rollupDeltaOf(task, undefined);
      if (rollup) await this.addToRollup(trx, rollup);
      await this.bumpUsageVersion(trx, task);
      return true;
    });
  }

  /** How many unfinished tasks there are of each unfinished status, zeros included (from the partial index). */
  async countUnfinishedByStatus(): Promise<Record<string, number>> {
    const counts: Record<string, number> = Object.fromEntries(UNFINISHED_STATUSES.map((status) => [status, 0]));
    const rows = await this.deps.db
      .selectFrom('tasks')
      .select((eb) => ['status', eb.fn.countAll().as('count')])
      .where('finished', '=', 0)
      .groupBy('status')
      .execute();
    for (const row of rows) counts[row.status] = integerOf(row.count, 'tasks count');
    return counts;
  }

  /** {@inheritDoc TaskRepository.listActive} */
  async listActive(): Promise<string[]> {
    const rows = await this.deps.db.selectFrom('tasks').select('id').where('finished', '=', 0).execute();
    return rows.map((row) => row.id);
  }

  /** The poll lease a write gives this replica: for an unfinished task with an upstream task to read. */
  private leaseFor(task: VideoTask): { owner: string; until: number } | undefined {
    const lease = this.deps.lease;
    if (!lease || isTerminal(task.status) || task.upstreamTaskId === null) return undefined;
    return { owner: lease.owner, until: this.now() + lease.leaseMs };
  }

  /** Writes what follows from `before` -> `after` (see the class docs), inside the write's transaction. */
  private async derive(
    trx: Transaction<Database>,
    before: VideoTask | undefined,
    after: VideoTask,
    announce = true,
  ): Promise<void> {
    const wasFinished = before !== undefined && isTerminal(before.status);
    const finished = isTerminal(after.status);
    const holds = holdsSlot(after.status);
    if (holds && !(before && holdsSlot(before.status))) {
      // The task now holds the slot its submission reserved (or one of its own: an import, an adoption).
      await trx
        .insertInto('task_slots')
        .values({ task_id: after.id, client_id: after.clientId, committed: 1, expires_at_ms: null })
        .onConflict((conflict) => conflict.column('task_id').doUpdateSet({ committed: 1, expires_at_ms: null }))
        .execute();
    } else if (!holds) {
      await trx.deleteFrom('task_slots').where('task_id', '=', after.id).execute();
    }
    if (finished) {
      const usage = usageRowOf(after);
      await trx
        .insertInto('usage_records')
        .values(usage)
        .onConflict((conflict) => conflict.column('task_id').doUpdateSet(usage))
        .execute();
    } else if (wasFinished) {
      // Outside the domain's state machine (the contract allows it): the task counts as unfinished again.
      await trx.deleteFrom('usage_records').where('task_id', '=', after.id).execute();
    }
    const rollup = rollupDeltaOf(before, after);
    if (rollup) await this.addToRollup(trx, rollup);
    if (before === undefined || finished !== wasFinished || finished) await this.bumpUsageVersion(trx, after);
    if (announce) await this.deps.announcer.within(trx, after);
  }

  /** Adds `delta` to its hourly rollup row (created at the first task of its hour and group). */
  private async addToRollup(trx: Transaction<Database>, delta: Insertable<UsageRollupsTable>): Promise<void> {
    await trx
      .insertInto('usage_rollups')
      .values(delta)
      .onConflict((conflict) =>
        conflict.columns(['client_id', 'hour_ms', 'model', 'mode', 'resolution', 'service_tier']).doUpdateSet((eb) => {
          const add = (column: (typeof ROLLUP_SUM_COLUMNS)[number]) =>
            eb(`usage_rollups.${column}`, '+', eb.ref(`excluded.${column}`));
          return Object.fromEntries(ROLLUP_SUM_COLUMNS.map((column) => [column, add(column)]));
        }),
      )
      .execute();
  }

  /** Cached usage reports that include the task's creation day stop matching (see `UsageReportCache`). */
  private async bumpUsageVersion(trx: Transaction<Database>, task: VideoTask): Promise<void> {
    const dayMs = periodStart(PeriodKind.DAY, Date.parse(task.createdAt));
    await trx
      .insertInto('usage_versions')
      .values({ day_ms: dayMs, version: 1 })
      .onConflict((conflict) =>
        conflict.column('day_ms').doUpdateSet((eb) => ({ version: eb('usage_versions.version', '+', 1) })),
      )
      .execute();
  }
}
