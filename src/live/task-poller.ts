import { bulkhead, type BulkheadPolicy } from 'cockatiel';
import type { Logger } from 'pino';
import { applyObservation, expireTask, failTask } from '../domain/apply-snapshot';
import { ServiceTier } from '../domain/generation-options';
import { isTerminal } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import type { TaskRepository } from '../store/task-repository';
import { taskExpiredError, taskLostError } from '../upstream/task-errors';
import type { UpstreamApi } from '../upstream/upstream-api';
import { UpstreamRequestError } from '../upstream/upstream-error';
import { nextPollDelay, type PollScheduleOptions } from './poll-schedule';

/** Timing and concurrency of {@link TaskPoller}; the schedule itself is {@link nextPollDelay}. */
export interface TaskPollerOptions extends PollScheduleOptions {
  tasks: TaskRepository;
  upstream: UpstreamApi;
  logger: Logger;
  /** Upstream status reads in flight at once, across all tasks. */
  concurrency: number;
  /** Consecutive upstream 404s before a known task is declared lost (default 3)... */
  notFoundConfirmations?: number;
  /** ...and how long they must span (default 60 s), so a proxy blip or a deploy is not a loss. */
  notFoundConfirmMs?: number;
  /** Least time between two reads of one task that callbacks ask for (default 1 s). */
  refreshGapMs?: number;
  /** How long `stop()` waits for reads in flight (default 5 s). */
  stopGraceMs?: number;
  now?: () => number;
  /** Called with every stored change (subscriptions hook in here). */
  onChange?: (task: VideoTask) => void;
  /** Called when a task stops being followed: it finished, or it is no longer in the store. */
  onUnwatch?: (taskId: string) => void;
}

/** The read was skipped because the upstream asked us to wait (429). */
const PAUSED = Symbol('paused');

interface Watch {
  timer: NodeJS.Timeout | undefined;
  /** When the scheduled read is due (epoch ms). */
  dueAtMs: number;
  /** Reads since the last change: drives the backoff. */
  quietReads: number;
  /** Reads so far: with callbacks on, only the first is scheduled early. */
  reads: number;
  notFound: number;
  /** When the current run of 404s began. */
  notFoundSince: number;
  inFlight: boolean;
  /** A refresh was asked for while a read was in flight: read once more right after it. */
  again: boolean;
  /** Failed reads in a row (5xx, timeout, 429, malformed, unconfirmed 404): drives the retry backoff. */
  failures: number;
  /** When the last read started (epoch ms): refreshes keep their distance from it. */
  lastReadAtMs: number;
}

/**
 * Keeps every non-terminal task in step with the upstream. One timer per watched task,
 * at most one status read in flight per task (single flight, whatever the number of
 * subscribers, queries or callbacks), a global cap on reads in flight, backoff with jitter
 * while a task is quiet (further for FLEX), a long safety interval instead when callbacks
 * are on, and a pause for the upstream's Retry-After on 429.
 * Terminal tasks are dropped and never read again. `start()` resumes every active task
 * from the store, so a restart loses nothing.
 */
export class TaskPoller {
  private readonly watches = new Map<string, Watch>();
  private readonly limiter: BulkheadPolicy;
  private readonly now: () => number;
  private pausedUntil = 0;
  private stopped = false;
  private readonly polls = new Set<Promise<void>>();

  constructor(private readonly options: TaskPollerOptions) {
    this.limiter = bulkhead(options.concurrency, Number.MAX_SAFE_INTEGER);
    this.now = options.now ?? Date.now;
  }

  /** Resumes every task the store lists as active (or `ids`, when the caller has just listed them). */
  async start(ids?: readonly string[]): Promise<void> {
    ids ??= await this.options.tasks.listActive();
    for (const id of ids) this.watch(id);
    this.options.logger.info({ resumed: ids.length }, 'poller started');
  }

  /** Starts following a task (no-op when already followed). */
  watch(taskId: string): void {
    if (this.stopped || this.watches.has(taskId)) return;
    const watch: Watch = {
      ...{ timer: undefined, dueAtMs: 0, quietReads: 0, reads: 0, notFound: 0, notFoundSince: 0 },
      ...{ inFlight: false, again: false, failures: 0, lastReadAtMs: 0 },
    };
    this.watches.set(taskId, watch);
    // Jittered like every later read, so tasks resumed together after a restart don't read at once.
    this.schedule(
      taskId,
      watch,
      nextPollDelay({ serviceTier: ServiceTier.DEFAULT, reads: 0, quietReads: 0 }, this.options),
    );
  }

  /**
   * Reads a task as soon as possible (an upstream callback said it changed), but never sooner
   * than `refreshGapMs` after its last read, so callbacks cannot drive reads. Joins a read in
   * flight rather than starting a second one: that read is followed by one more, since it may
   * have started before the change. Starts following a task that was not followed.
   */
  refreshNow(taskId: string): void {
    if (this.stopped) return;
    const watch = this.watches.get(taskId);
    if (!watch) {
      this.watch(taskId);
      this.refreshNow(taskId);
      return;
    }
    if (watch.inFlight) {
      watch.again = true;
      return;
    }
    const delay = this.refreshDelay(watch);
    if (watch.dueAtMs > this.now() + delay) this.schedule(taskId, watch, delay);
  }

  /** How long a refresh must wait to keep its distance from the last read. */
  private refreshDelay(watch: Watch): number {
    return Math.max(0, watch.lastReadAtMs + (this.options.refreshGapMs ?? 1_000) - this.now());
  }

  /**
   * Milliseconds until the poller next reads `taskId` (0 when a read is due or in flight),
   * or undefined when the task is not followed. The earliest the gateway itself can learn
   * that the task finished, callbacks aside.
   */
  nextReadInMs(taskId: string): number | undefined {
    const watch = this.watches.get(taskId);
    if (!watch) return undefined;
    return watch.inFlight ? 0 : Math.max(0, watch.dueAtMs - this.now());
  }

  /** Number of tasks being followed. */
  get size(): number {
    return this.watches.size;
  }

  /** Whether this poller follows `taskId` (on PostgreSQL: this replica holds its lease). */
  isWatching(taskId: string): boolean {
    return this.watches.has(taskId);
  }

  /** Ids of the tasks followed now. */
  watchedIds(): string[] {
    return [...this.watches.keys()];
  }

  /** Stops following a task (another replica polls it now); a read in flight finishes. */
  unwatch(taskId: string): void {
    this.drop(taskId);
  }

  /**
   * Stops all timers and waits (up to the grace period) for reads in flight, so none of them
   * writes to a store that is being closed.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const watch of this.watches.values()) clearTimeout(watch.timer);
    this.watches.clear();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.stopGraceMs ?? 5_000);
    });
    await Promise.race([Promise.allSettled([...this.polls]), grace]);
    clearTimeout(timer);
  }

  private schedule(taskId: string, watch: Watch, delayMs: number): void {
    // A watch dropped while its read was in flight (unwatched, or replaced) schedules nothing more.
    if (this.stopped || this.watches.get(taskId) !== watch) return;
    clearTimeout(watch.timer);
    const wait = Math.max(delayMs, this.pausedUntil - this.now());
    watch.dueAtMs = this.now() + wait;
    watch.timer = setTimeout(() => {
      const poll = this.poll(taskId, watch);
      this.polls.add(poll);
      void poll.finally(() => this.polls.delete(poll));
    }, wait);
  }

  private paused(): boolean {
    return this.now() < this.pausedUntil;
  }

  private async poll(taskId: string, watch: Watch): Promise<void> {
    if (this.stopped || watch.inFlight || this.watches.get(taskId) !== watch) return;
    // A 429 may have come in after this timer was set: wait it out like everyone else.
    if (this.paused()) return this.schedule(taskId, watch, 0);
    watch.inFlight = true;
    try {
      const task = await this.options.tasks.get(taskId);
      // No upstream id (a create in flight or unresolved): nothing to read; adoption watches it again.
      if (!task || isTerminal(task.status) || task.upstreamTaskId === null) {
        this.drop(taskId);
        return;
      }
      const upstreamTaskId = task.upstreamTaskId;
      const next = await this.limiter.execute((): Promise<VideoTask | undefined | typeof PAUSED> =>
        this.paused() ? Promise.resolve(PAUSED) : this.readOnce(task, upstreamTaskId, watch),
      );
      if (next === PAUSED) {
        this.schedule(taskId, watch, 0);
        return;
      }
      watch.reads += 1;
      if (next && isTerminal(next.status)) {
        this.drop(taskId);
        return;
      }
      const delay = watch.again ? this.refreshDelay(watch) : this.nextDelay(watch, (next ?? task).options.serviceTier);
      this.schedule(taskId, watch, delay);
    } catch (error) {
      this.options.logger.error({ err: error, taskId }, 'poll failed');
      watch.quietReads += 1;
      this.schedule(taskId, watch, watch.again ? 0 : this.options.maxIntervalMs);
    } finally {
      watch.inFlight = false;
      watch.again = false;
    }
  }

  /**
   * The delay after a read: the normal schedule, or after a failed read the retry backoff
   * (POLL_MIN_INTERVAL_MS doubling up to POLL_MAX_INTERVAL_MS, callbacks or not), so a failed
   * read is never left to the long callback safety interval.
   */
  private nextDelay(watch: Watch, serviceTier: ServiceTier): number {
    const { reads, quietReads, failures } = watch;
    if (failures === 0) return nextPollDelay({ serviceTier, reads, quietReads }, this.options);
    const { minIntervalMs, maxIntervalMs } = this.options;
    // The backoff of a quiet task without callbacks, counted in failures.
    const retry = { serviceTier: ServiceTier.DEFAULT, reads, quietReads: failures - 1 };
    return nextPollDelay(retry, { minIntervalMs, maxIntervalMs });
  }

  /** One status read and its consequences; returns the stored task after it. */
  private async readOnce(task: VideoTask, upstreamTaskId: string, watch: Watch): Promise<VideoTask | undefined> {
    const nowMs = this.now();
    const nowIso = new Date(nowMs).toISOString();
    const pastExpiry = nowMs >= Date.parse(task.expiresAt);
    watch.lastReadAtMs = nowMs;
    try {
      const snapshot = await this.options.upstream.getTask(upstreamTaskId);
      watch.notFound = 0;
      watch.failures = 0;
      const stored = await this.store(task.id, (current) => applyObservation(current, snapshot, nowIso), watch, nowIso);
      if (pastExpiry && stored && !isTerminal(stored.status)) return this.expire(task.id, nowIso, watch);
      return stored;
    } catch (error) {
      if (!(error instanceof UpstreamRequestError)) throw error;
      watch.failures += 1;
      if (error.kind === 'rate_limited') {
        // Everyone waits: hammering a rate-limited upstream only extends the limit.
        this.pausedUntil = Math.max(this.pausedUntil, nowMs + (error.retryAfterSeconds ?? 1) * 1000);
        this.options.logger.warn({ retryAfterSeconds: error.retryAfterSeconds }, 'upstream rate limit: polling paused');
      } else if (error.httpStatus === 404) {
        if (watch.notFound === 0) watch.notFoundSince = nowMs;
        watch.notFound += 1;
        const confirmed =
          watch.notFound >= (this.options.notFoundConfirmations ?? 3) &&
          nowMs - watch.notFoundSince >= (this.options.notFoundConfirmMs ?? 60_000);
        if (confirmed) {
          return this.store(task.id, (current) => failTask(current, nowIso, taskLostError(error.upstreamCode)), watch);
        }
      } else {
        this.options.logger.warn({ taskId: task.id, code: error.code, message: error.message }, 'status read failed');
      }
      watch.quietReads += 1;
      if (pastExpiry) return this.expire(task.id, nowIso, watch);
      return task;
    }
  }

  private expire(taskId: string, nowIso: string, watch: Watch): Promise<VideoTask | undefined> {
    return this.store(taskId, (current) => expireTask(current, nowIso, taskExpiredError()), watch);
  }

  /**
   * Stores `change` of a task; with `syncedAt` (a successful read) also the time of the read:
   * inside a real change, or on its own for a quiet read (no new revision, nothing announced).
   * Only real changes reset the backoff and reach subscribers.
   */
  private async store(
    taskId: string,
    change: (current: VideoTask) => VideoTask | null,
    watch: Watch,
    syncedAt?: string,
  ): Promise<VideoTask | undefined> {
    let changed = false;
    const stored = await this.options.tasks.update(taskId, (current) => {
      const next = change(current);
      changed = next !== null;
      return next !== null && syncedAt !== undefined ? { ...next, syncedAt } : next;
    });
    if (!changed && syncedAt !== undefined && stored && !isTerminal(stored.status)) {
      await this.options.tasks.markSynced(taskId, syncedAt);
    }
    if (changed && stored) {
      watch.quietReads = 0;
      this.options.onChange?.(stored);
    } else {
      watch.quietReads += 1;
    }
    return stored;
  }

  private drop(taskId: string): void {
    const watch = this.watches.get(taskId);
    if (watch) clearTimeout(watch.timer);
    this.watches.delete(taskId);
    this.options.onUnwatch?.(taskId);
  }
}
