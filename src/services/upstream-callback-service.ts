import type { Logger } from 'pino';
import { z } from 'zod';
import { adoptUpstreamTask } from '../domain/apply-snapshot';
import { isTerminal, isUnconfirmed } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import type { CallbackTokens } from '../live/callback-tokens';
import type { TaskRepository } from '../store/task-repository';
import type { UpstreamApi } from '../upstream/upstream-api';

/**
 * What became of a callback: a bad token (or no such task) is refused unread; `accepted` needs
 * nothing from the body; `adopt` names an unconfirmed task whose body says which upstream task it became.
 */
export type CallbackOutcome = { kind: 'unknown-token' } | { kind: 'accepted' } | { kind: 'adopt'; taskId: string };

/** The one thing read from a callback body: the upstream id to look up (ids are short). */
const callbackBody = z.union([
  z.object({ id: z.string().min(1).max(256) }),
  z.object({ task_id: z.string().min(1).max(256) }),
]);

/** Collaborators of {@link UpstreamCallbackService}. */
export interface UpstreamCallbackDeps {
  tokens: CallbackTokens;
  tasks: Pick<TaskRepository, 'get' | 'update'>;
  upstream: Pick<UpstreamApi, 'getTask'>;
  /** Asks the poller for a read (it keeps one second between reads of a task). */
  refreshNow(taskId: string): void;
  /** Told about an adopted task: subscribers hear of it and the poller follows it. */
  onAdopted(task: VideoTask): void;
  logger: Logger;
  /** Least time between two adoption reads for one task (default 1 s). */
  adoptGapMs?: number;
  now?: () => number;
}

/** Past this many remembered adoption reads, the stale ones are forgotten. */
const MAX_REMEMBERED_ADOPTION_READS = 10_000;

/**
 * Upstream callbacks. The docs define no signature, so a callback is only a hint: a valid
 * token (one the gateway minted for a task) makes the poller read that task soon; the body is
 * never trusted, so a forged callback cannot mark anything done.
 *
 * For a task whose create is unconfirmed (SUBMITTING, OUTCOME_UNKNOWN: the answer was lost, or
 * the process died) the callback is the only trace of the upstream task: the id its body
 * reports is looked up upstream, and only a task the upstream itself returns is adopted.
 */
export class UpstreamCallbackService {
  private readonly lastAdoptionRead = new Map<string, number>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly now: () => number;

  constructor(private readonly deps: UpstreamCallbackDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Judges a callback by its token and the stored task, before its body is read. */
  async receive(token: string): Promise<CallbackOutcome> {
    const taskId = this.deps.tokens.taskIdFrom(token);
    if (taskId === null) return { kind: 'unknown-token' };
    const task = await this.deps.tasks.get(taskId);
    // Every create stores its task before the callback URL leaves: no task, nothing to do.
    if (!task) return { kind: 'unknown-token' };
    if (isUnconfirmed(task.status)) return { kind: 'adopt', taskId };
    if (!isTerminal(task.status)) this.deps.refreshNow(task.id);
    return { kind: 'accepted' };
  }

  /**
   * Adopts the upstream task a callback body names for unconfirmed task `taskId`, if the
   * upstream confirms it exists. At most one read per task per `adoptGapMs`; never throws.
   */
  adopt(taskId: string, body: unknown): Promise<VideoTask | undefined> {
    const adoption = this.adoptNow(taskId, body);
    this.inFlight.add(adoption);
    void adoption.finally(() => this.inFlight.delete(adoption));
    return adoption;
  }

  /** Waits for adoptions under way (shutdown calls this before the store closes). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async adoptNow(taskId: string, body: unknown): Promise<VideoTask | undefined> {
    const parsed = callbackBody.safeParse(body);
    if (!parsed.success) return undefined;
    const upstreamTaskId = 'id' in parsed.data ? parsed.data.id : parsed.data.task_id;
    const nowMs = this.now();
    const gapMs = this.deps.adoptGapMs ?? 1_000;
    if (nowMs - (this.lastAdoptionRead.get(taskId) ?? -Infinity) < gapMs) return undefined;
    // Bounded: entries older than the gap decide nothing, so they go once the map grows.
    if (this.lastAdoptionRead.size >= MAX_REMEMBERED_ADOPTION_READS) {
      for (const [id, at] of this.lastAdoptionRead) if (nowMs - at >= gapMs) this.lastAdoptionRead.delete(id);
    }
    this.lastAdoptionRead.set(taskId, nowMs);
    try {
      const snapshot = await this.deps.upstream.getTask(upstreamTaskId);
      const nowIso = new Date(this.now()).toISOString();
      let adopted = false;
      const task = await this.deps.tasks.update(taskId, (current) => {
        const next = adoptUpstreamTask(current, snapshot.upstreamTaskId, snapshot, nowIso);
        adopted = next !== null;
        return next;
      });
      if (!task || !adopted) return undefined;
      this.lastAdoptionRead.delete(taskId);
      this.deps.logger.info(
        { taskId, upstreamTaskId: task.upstreamTaskId, status: task.status },
        'unconfirmed create adopted from an upstream callback',
      );
      this.deps.onAdopted(task);
      return task;
    } catch (error) {
      // Unknown upstream id, a failed read: the task stays unconfirmed (the next callback tries again).
      this.deps.logger.warn({ err: error, taskId }, 'callback for an unconfirmed create could not be adopted');
      return undefined;
    }
  }
}
