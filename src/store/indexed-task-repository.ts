import type { Keyv } from 'keyv';
import { isTerminal, type UnfinishedStatus } from '../domain/task-status';
import { sameUsageRecord, usageDimensionsOf, usageRecordOf, type UsageRecord } from '../domain/usage-record';
import type { VideoTask } from '../domain/video-task';
import { KeyedMutex } from './keyed-mutex';
import { SILENT_STORE_LOGGER, type StoreLogger } from './store-logger';
import type { HistoryEntry, HistoryKey, TaskHistoryIndex } from './task-history-index';
import { DuplicateTaskError, type TaskRepository } from './task-repository';
import type { UnsettledTask, UnsettledTasks } from './unsettled-tasks';
import { UsageCellCache } from './usage-cell-cache';
import type { UsageRecordStore } from './usage-record-store';

/** A task repository that can also do what its keyv implementation does (wait for writes to drain). */
export type InnerTaskRepository = TaskRepository & { idle(): Promise<void> };

/** Collaborators of {@link IndexedTaskRepository}. */
export interface IndexedTaskRepositoryDeps {
  /** Where tasks live (the keyv repository with its active index). */
  inner: InnerTaskRepository;
  /** The inner repository's task namespace: read in batches by `getMany`, and scanned by {@link IndexedTaskRepository.prepare} once per store. */
  tasks: Keyv;
  history: TaskHistoryIndex;
  records: UsageRecordStore;
  cells: UsageCellCache;
  unsettled: UnsettledTasks;
  logger?: StoreLogger;
  now?: () => number;
}

/** Ids per `getMany` of tasks (see the SQLite adapter note in the usage record store). */
const READ_BATCH = 200;

/** The fields the index and the usage cells are keyed by; no update may change them. */
function fixedFields(task: VideoTask): string {
  return JSON.stringify([task.clientId, task.createdAt, task.model, task.mode, task.options.resolution, task.options.serviceTier]);
}

function historyKeyOf(task: Pick<VideoTask, 'id' | 'createdAt'>): HistoryKey {
  return { createdAtMs: Date.parse(task.createdAt), taskId: task.id };
}

function historyEntryOf(task: VideoTask): HistoryEntry {
  return { ...historyKeyOf(task), status: task.status, ...usageDimensionsOf(task) };
}

/**
 * The gateway's {@link TaskRepository}: the keyv repository plus what is derived from each
 * task — its entry in the client's history ({@link TaskHistoryIndex}, for `videoTasks`) and,
 * once it is finished, its usage record ({@link UsageRecordStore}, for `usageReport`). Every
 * writer of tasks (submission, poller, callbacks) goes through here, so nothing can change a
 * task without its derived data following.
 *
 * **Exactly-once usage.** A finished task's record is `usageRecordOf(task)`, stored under the
 * task id. Terminal tasks never change (the domain's state machine), so every observation of
 * the end — the poller's, a callback's, one after a restart — yields the same record under the
 * same key: rewriting it is harmless, and no count is ever incremented anywhere. Aggregates are
 * computed from the records (see `UsageReportService`).
 *
 * **Crash safety.** Per task, writes are ordered around the {@link UnsettledTasks} journal:
 *
 * - insert: journal entry -> history entry -> task (inner) -> [finished: usage record -> journal removal]
 * - update: task (inner) -> history status -> [finished: usage record -> journal removal]
 *
 * The journal entry exists from before the first write of a task until after its last derived
 * write, so a crash anywhere leaves the task listed in it, and {@link reconcile} (run by
 * {@link prepare} at start-up) redoes the derived writes from the stored task: they are
 * idempotent. A crash before the task write leaves a history entry without a task; reconcile
 * removes it, and readers skip it meanwhile. Readers also repair on read: a report that meets
 * a finished task without a record calls {@link settle}.
 *
 * **Locking.** Every operation on a task runs under a per-task-id in-process lock held across
 * the inner write and the derived writes, so two updates of one task cannot interleave their
 * derived writes (which could leave a stale status in the history).
 *
 * **Limits.** The fields the history and usage are keyed by (client, creation time, model,
 * mode, resolution, tier) are fixed: an update that changes one is rejected (nothing written).
 * The repository contract lets an update move a finished task back to an unfinished status,
 * which the domain never does; that is handled (the record is withdrawn and the task goes
 * back into the journal) but only after the task write, so a crash exactly there would
 * leave the withdrawn record in place.
 */
export class IndexedTaskRepository implements TaskRepository {
  private readonly locks = new KeyedMutex();
  private readonly logger: StoreLogger;
  private readonly now: () => number;

  constructor(private readonly deps: IndexedTaskRepositoryDeps) {
    this.logger = deps.logger ?? SILENT_STORE_LOGGER;
    this.now = deps.now ?? Date.now;
  }

  /**
   * Makes the derived data whole before the store is used: builds the history and the usage
   * records from a scan of every task when this store has never had them (a store written by
   * an older gateway; once per store), then {@link reconcile}s the journal.
   */
  async prepare(): Promise<void> {
    if (!(await this.deps.history.isBuilt())) await this.rebuild();
    await this.reconcile();
  }

  /** {@inheritDoc TaskRepository.insert} */
  async insert(task: VideoTask): Promise<void> {
    const createdAtMs = Date.parse(task.createdAt);
    // Checked before anything is written: the index is ordered by this instant.
    if (!Number.isFinite(createdAtMs)) throw new RangeError(`task ${task.id} has an invalid createdAt`);
    await this.locks.run(task.id, async () => {
      if (await this.deps.tasks.has(task.id)) throw new DuplicateTaskError(task.id);
      await this.deps.unsettled.add({ taskId: task.id, clientId: task.clientId, createdAtMs });
      try {
        await this.deps.history.put(task.clientId, historyEntryOf(task));
        await this.deps.inner.insert(task);
      } catch (error) {
        await this.undoInsert(task).catch((undoError: unknown) => this.logger.warn({ err: undoError, taskId: task.id }, 'could not undo the history entry of a failed insert (start-up removes it)'));
        throw error;
      }
      // The history entry was written with this very status just above.
      if (isTerminal(task.status)) await this.settleRecord(task);
      await this.invalidateIfLate(task.clientId, createdAtMs);
    });
  }

  /** {@inheritDoc TaskRepository.get} */
  get(id: string): Promise<VideoTask | undefined> {
    return this.deps.inner.get(id);
  }

  /** Tasks of `ids`, in the same order (undefined where unknown), read in batches. */
  async getMany(ids: readonly string[]): Promise<Array<VideoTask | undefined>> {
    const found: Array<VideoTask | undefined> = [];
    for (let start = 0; start < ids.length; start += READ_BATCH) {
      const values = await this.deps.tasks.getMany<VideoTask>(ids.slice(start, start + READ_BATCH));
      for (const value of values) found.push(value ?? undefined);
    }
    return found;
  }

  /**
   * {@inheritDoc TaskRepository.update}
   *
   * Also rejects, writing nothing, a change that alters the client, creation time, model, mode,
   * resolution or service tier.
   */
  async update(id: string, change: (current: VideoTask) => VideoTask | null): Promise<VideoTask | undefined> {
    return this.locks.run(id, async () => {
      let before: { revision: number; finished: boolean } | undefined;
      const stored = await this.deps.inner.update(id, (current) => {
        before = { revision: current.revision, finished: isTerminal(current.status) };
        const fixed = fixedFields(current);
        const next = change(current);
        if (next !== null && next.id === id && fixedFields(next) !== fixed) {
          throw new Error(`update of task ${id} may not change its client, creation time, model, mode, resolution or service tier`);
        }
        return next;
      });
      if (!stored || !before || stored.revision === before.revision) return stored;
      if (before.finished && !isTerminal(stored.status)) await this.unsettle(stored);
      await this.settleDerived(stored);
      return stored;
    });
  }

  /** {@inheritDoc TaskRepository.listActive} */
  listActive(): Promise<string[]> {
    return this.deps.inner.listActive();
  }

  /** {@inheritDoc TaskRepository.listByStatus} */
  listByStatus(statuses: readonly UnfinishedStatus[]): Promise<VideoTask[]> {
    return this.deps.inner.listByStatus(statuses);
  }

  /**
   * {@inheritDoc TaskRepository.delete}
   *
   * The task goes first, then its history entry and journal entry: a crash in between leaves a
   * journaled entry without a task, which {@link reconcile} removes.
   */
  async delete(id: string): Promise<boolean> {
    return this.locks.run(id, async () => {
      const task = await this.deps.inner.get(id);
      if (!task || !(await this.deps.inner.delete(id))) return false;
      const key = historyKeyOf(task);
      await this.deps.history.remove(task.clientId, key);
      // Reports count entries as submitted tasks: a cell cached with this one is wrong.
      await this.deps.cells.invalidate(task.clientId, key.createdAtMs);
      await this.deps.unsettled.remove(id);
      return true;
    });
  }

  /**
   * Brings a task's derived data in line with the stored task (the repair path: readers that
   * find a finished task without a usage record call this). Resolves to the task's usage
   * record when it is finished, else undefined.
   */
  async settle(id: string): Promise<UsageRecord | undefined> {
    return this.locks.run(id, async () => {
      const task = await this.deps.inner.get(id);
      if (!task) return undefined;
      await this.settleDerived(task);
      return isTerminal(task.status) ? usageRecordOf(task) : undefined;
    });
  }

  /**
   * Repairs what a crash may have left behind, for every task in the journal: a history entry
   * whose task was never written is removed; otherwise the derived data is redone from the
   * stored task. Cost: O(journal) = O(unfinished tasks + tasks a crash caught mid-way).
   */
  async reconcile(): Promise<void> {
    const journal = await this.deps.unsettled.list();
    let repaired = 0;
    for (const entry of journal) {
      await this.locks.run(entry.taskId, async () => {
        const task = await this.deps.inner.get(entry.taskId);
        if (!task) {
          if (await this.deps.history.remove(entry.clientId, { createdAtMs: entry.createdAtMs, taskId: entry.taskId })) {
            repaired += 1;
            // Reports count entries as submitted tasks: a cell cached with this one is wrong.
            await this.deps.cells.invalidate(entry.clientId, entry.createdAtMs);
          }
          await this.deps.unsettled.remove(entry.taskId);
          return;
        }
        if (await this.settleDerived(task)) repaired += 1;
      });
    }
    if (repaired > 0) this.logger.warn({ repaired, journaled: journal.length }, 'repaired task history/usage left behind by an interrupted write');
  }

  /** Resolves once no write is in progress (here, in the history index and in the inner repository). */
  async idle(): Promise<void> {
    await this.locks.idle();
    await this.deps.history.idle();
    await this.deps.inner.idle();
  }

  /**
   * Makes the history entry and (for a finished task) the usage record match `task`, then takes
   * it out of the journal when finished. Idempotent. Resolves to true when something was
   * missing or stale (and is now fixed). Call under the task's lock.
   */
  private async settleDerived(task: VideoTask): Promise<boolean> {
    let fixed = false;
    if (!(await this.deps.history.setStatus(task.clientId, historyKeyOf(task), task.status))) {
      await this.deps.history.put(task.clientId, historyEntryOf(task));
      fixed = true;
    }
    if (!isTerminal(task.status)) return fixed;
    return (await this.settleRecord(task)) || fixed;
  }

  /** The usage-record half of {@link settleDerived}, for a finished task. */
  private async settleRecord(task: VideoTask): Promise<boolean> {
    let fixed = false;
    const record = usageRecordOf(task);
    const existing = await this.deps.records.get(task.id);
    if (!existing || !sameUsageRecord(existing, record)) {
      await this.deps.records.put(record);
      // A different record (only possible outside the domain's state machine) makes cached cells stale.
      if (existing) await this.deps.cells.invalidate(task.clientId, Date.parse(task.createdAt));
      fixed = true;
    }
    await this.deps.unsettled.remove(task.id);
    return fixed;
  }

  /** A finished task became unfinished again (see the class docs): journal it, withdraw its record. */
  private async unsettle(task: VideoTask): Promise<void> {
    const createdAtMs = Date.parse(task.createdAt);
    await this.deps.unsettled.add({ taskId: task.id, clientId: task.clientId, createdAtMs });
    await this.deps.records.delete(task.id);
    await this.deps.cells.invalidate(task.clientId, createdAtMs);
  }

  /** After a failed insert: drops its history entry (if it got written) and journal entry, unless the task did get stored. */
  private async undoInsert(task: VideoTask): Promise<void> {
    if (await this.deps.inner.get(task.id)) return;
    await this.deps.history.remove(task.clientId, historyKeyOf(task));
    await this.deps.unsettled.remove(task.id);
    // A report may have counted the entry meanwhile (reports trust entries, see UsageReportService).
    await this.invalidateIfLate(task.clientId, Date.parse(task.createdAt));
  }

  /**
   * A task stored with a creation time in an already final period (an import, a backfill) may
   * belong to a cached cell computed without it: drop those cells.
   */
  private async invalidateIfLate(clientId: string, createdAtMs: number): Promise<void> {
    if (createdAtMs < UsageCellCache.finalBefore(this.now())) await this.deps.cells.invalidate(clientId, createdAtMs);
  }

  /** Builds history, usage records and journal from a scan of every stored task (see {@link prepare}). */
  private async rebuild(): Promise<void> {
    const started = this.now();
    const entries: Array<{ clientId: string; entry: HistoryEntry }> = [];
    const records: UsageRecord[] = [];
    const unsettled: UnsettledTask[] = [];
    for await (const [, value] of this.deps.tasks.iterator!(this.deps.tasks.namespace) as AsyncIterable<[string, VideoTask]>) {
      const entry = historyEntryOf(value);
      if (!Number.isFinite(entry.createdAtMs)) {
        this.logger.warn({ taskId: value.id }, 'task with an invalid createdAt left out of the history');
        continue;
      }
      entries.push({ clientId: value.clientId, entry });
      if (isTerminal(value.status)) records.push(usageRecordOf(value));
      else unsettled.push({ taskId: value.id, clientId: value.clientId, createdAtMs: entry.createdAtMs });
    }
    // Everything derived is replaced; the history's "built" mark is written last, so a crash
    // here means the whole rebuild runs again at the next start.
    await this.deps.unsettled.replaceAll(unsettled);
    await this.deps.records.replaceAll(records);
    await this.deps.cells.clear();
    await this.deps.history.rebuild(entries);
    if (entries.length > 0) {
      this.logger.info({ tasks: entries.length, finished: records.length, ms: this.now() - started }, 'built task history and usage records for the existing tasks');
    }
  }
}
