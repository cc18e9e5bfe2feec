import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { SlotCaps, TaskSlots } from '../store/task-slots';

/** Which limit refused a submission; exposed as `RateLimitedError.code`. */
export enum SubmissionLimitCode {
  /** The client's `RATE_LIMIT_SUBMITS_PER_MINUTE`. */
  SUBMIT_RATE_LIMITED = 'SUBMIT_RATE_LIMITED',
  /** The client's `MAX_ACTIVE_TASKS_PER_CLIENT`. */
  TOO_MANY_ACTIVE_TASKS = 'TOO_MANY_ACTIVE_TASKS',
  /** The gateway's `MAX_UPSTREAM_ACTIVE_TASKS`. */
  UPSTREAM_AT_CAPACITY = 'UPSTREAM_AT_CAPACITY',
}

/** A submission refused by a limit before anything was sent upstream. */
export class SubmissionLimitError extends Error {
  constructor(
    readonly code: SubmissionLimitCode,
    message: string,
    /** Whole seconds until trying again can succeed (at least 1). */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'SubmissionLimitError';
  }
}

/** A slot held for a create in progress; storing the task keeps it, `release` gives it back. */
export interface SlotReservation {
  release(): Promise<void>;
}

/** Collaborators of {@link SubmissionLimits}. */
export interface SubmissionLimitsDeps {
  slots: Pick<TaskSlots, 'reserve' | 'release' | 'activeTaskIds' | 'count'>;
  caps: SlotCaps;
  /** How long a reservation counts before its task is stored (a create's longest plausible time). */
  reservationHoldMs: number;
  submitsPerMinute: number;
  /**
   * Milliseconds until the gateway next checks a task (the poller's next read), or undefined
   * when it does not follow it: a running task cannot be seen finished any sooner.
   */
  nextCheckInMs: (taskId: string) => number | undefined;
  /** Defaults to an in-process limiter; replicas share a PostgreSQL one (see `gateway.ts`). */
  rateLimiter?: RateLimiterAbstract;
}

/** Used when no task of the set is followed right now (they are between stored and watched). */
const FALLBACK_RETRY_SECONDS = 1;

/**
 * The per-client and gateway-wide limits a submission must pass before its upstream create:
 * a cap on non-terminal tasks (per client and in total, counted in SQL: see `TaskSlots`) and a
 * per-client submission rate (rate-limiter-flexible, one minute windows). Both hold for the
 * whole gateway, not per replica, when replicas share PostgreSQL. Replays of an idempotency
 * key and invalid input never get here, so they cost nothing.
 */
export class SubmissionLimits {
  private readonly rateLimiter: RateLimiterAbstract;

  constructor(private readonly deps: SubmissionLimitsDeps) {
    this.rateLimiter =
      deps.rateLimiter ?? new RateLimiterMemory({ keyPrefix: 'submits', points: deps.submitsPerMinute, duration: 60 });
  }

  /**
   * Admits one submission of `clientId` as task `taskId`: holds a task slot and spends one
   * point of the rate. Storing the task keeps the slot; the caller releases it when the create fails.
   *
   * @throws SubmissionLimitError when a limit is reached (nothing is held then)
   */
  async admit(clientId: string, taskId: string): Promise<SlotReservation> {
    const { slots } = this.deps;
    const refusal = await slots.reserve(clientId, taskId, this.deps.caps, this.deps.reservationHoldMs);
    switch (refusal) {
      case 'client':
        throw new SubmissionLimitError(
          SubmissionLimitCode.TOO_MANY_ACTIVE_TASKS,
          `You have ${await slots.count(clientId)} unfinished tasks, the most allowed at once; ` +
            'nothing was submitted. Retry when one finishes.',
          this.secondsUntilNextCheck(await slots.activeTaskIds(clientId)),
        );
      case 'upstream':
        throw new SubmissionLimitError(
          SubmissionLimitCode.UPSTREAM_AT_CAPACITY,
          'The gateway has as many unfinished upstream tasks as the upstream account allows; nothing was submitted. ' +
            'Retry when one finishes.',
          this.secondsUntilNextCheck(await slots.activeTaskIds()),
        );
      case undefined:
        break;
    }
    try {
      await this.rateLimiter.consume(clientId);
    } catch (error) {
      await slots.release(taskId);
      if (error instanceof RateLimiterRes) {
        throw new SubmissionLimitError(
          SubmissionLimitCode.SUBMIT_RATE_LIMITED,
          `At most ${this.deps.submitsPerMinute} submissions per minute; nothing was submitted.`,
          Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
        );
      }
      throw error;
    }
    return { release: () => slots.release(taskId) };
  }

  /** The soonest one of `taskIds` can be seen finished: the earliest next read among them. */
  private secondsUntilNextCheck(taskIds: readonly string[]): number {
    let soonest: number | undefined;
    for (const id of taskIds) {
      const inMs = this.deps.nextCheckInMs(id);
      if (inMs !== undefined && (soonest === undefined || inMs < soonest)) soonest = inMs;
    }
    return soonest === undefined ? FALLBACK_RETRY_SECONDS : Math.max(1, Math.ceil(soonest / 1000));
  }
}
