/**
 * The simulator's tasks: creation, lookup, the status at the current time, and the changes
 * that control calls make. All in memory; a simulator's tasks live as long as it does.
 */
import { randomBytes } from 'node:crypto';
import { serviceProblemCode } from './error-codes';
import { markerOf, nextChangeAt, stateAt, type OutcomeMarker, type TaskCourse, type Timeline } from './task-clock';
import type { ValidCreateRequest } from './wire-validation';
import { assertNever, type SimTaskStatus, type SimTerminalStatus } from './wire-values';

/** The error a failed task carries on the wire. */
export interface TaskFailure {
  code: string;
  error_message: string;
}

/** A task as the simulator keeps it. */
export interface SimTask {
  readonly id: string;
  readonly request: ValidCreateRequest;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly marker: OutcomeMarker;
  readonly queueMs: number;
  readonly runMs: number;
  course: TaskCourse;
  /** Set when a control call failed the task; marker failures use the default failure. */
  failure: TaskFailure | null;
}

/** A task's status now, with its error when failed. */
export interface TaskState {
  status: SimTaskStatus;
  sinceMs: number;
  error: TaskFailure | null;
}

/** Timing knobs of the book. */
export interface TaskBookOptions {
  now: () => number;
  queueMs: number;
  runMs: number;
  /** Multiplies queue and run time on the flex tier. */
  flexFactor: number;
}

/** Raised for an id the book does not know. */
export class UnknownTaskError extends Error {
  override readonly name = 'UnknownTaskError';
  constructor(readonly taskId: string) {
    super(`no simulated task with id ${JSON.stringify(taskId)}`);
  }
}

/** The simulated failure of a `[sim:fail]` task or of `control.fail` without a code. */
export function defaultFailure(task: SimTask): TaskFailure {
  return {
    code: serviceProblemCode(task.request.family, 'generation_failed'),
    error_message: 'Internal generation error (simulated)',
  };
}

/** The shape of the ids this simulator gives its tasks (any run of it). */
export const SIM_TASK_ID = /^sdt-[0-9a-f]{24}$/;

/** In-memory task store with lazily computed statuses. */
export class TaskBook {
  private readonly tasks = new Map<string, SimTask>();

  constructor(private readonly options: TaskBookOptions) {}

  /** The book's clock (the simulator's `now` option). */
  now(): number {
    return this.options.now();
  }

  /** Registers a new task, pending from now. */
  create(request: ValidCreateRequest): SimTask {
    const createdAtMs = this.options.now();
    const factor = this.tierFactor(request);
    const task: SimTask = {
      id: `sdt-${randomBytes(12).toString('hex')}`,
      request,
      // The docs count expiry from created_at, which is in whole seconds.
      createdAtMs,
      expiresAtMs: Math.floor(createdAtMs / 1000) * 1000 + request.executionExpiresAfter * 1000,
      marker: markerOf(request.prompt),
      queueMs: this.options.queueMs * factor,
      runMs: this.options.runMs * factor,
      course: { kind: 'running', phase: 'pending', sinceMs: createdAtMs },
      failure: null,
    };
    this.tasks.set(task.id, task);
    return task;
  }

  /** Ids of every task, in creation order. */
  ids(): string[] {
    return [...this.tasks.keys()];
  }

  /** The task with this id, if any. */
  get(id: string): SimTask | undefined {
    return this.tasks.get(id);
  }

  /** Like {@link get}, but throws {@link UnknownTaskError}. */
  require(id: string): SimTask {
    const task = this.tasks.get(id);
    if (!task) throw new UnknownTaskError(id);
    return task;
  }

  /** The status of a task at the current time. */
  state(task: SimTask): TaskState {
    const clock = stateAt(this.timeline(task), this.options.now());
    return { ...clock, error: clock.status === 'failed' ? (task.failure ?? defaultFailure(task)) : null };
  }

  /** When the task's status will next change on its own; null if it will not. */
  nextChangeAt(task: SimTask): number | null {
    return nextChangeAt(this.timeline(task), this.options.now());
  }

  /**
   * Moves a task to a status now. Terminal statuses stick; `pending` and `processing` restart
   * the timeline from now (so a task set to processing completes `runMs` later, unless its
   * prompt marker or expiry says otherwise).
   */
  setStatus(task: SimTask, status: SimTaskStatus, failure?: TaskFailure): void {
    const now = this.options.now();
    task.failure = status === 'failed' ? (failure ?? defaultFailure(task)) : null;
    task.course = courseFor(status, now);
  }

  private timeline(task: SimTask): Timeline {
    return {
      course: task.course,
      marker: task.marker,
      queueMs: task.queueMs,
      runMs: task.runMs,
      expiresAtMs: task.expiresAtMs,
    };
  }

  private tierFactor(request: ValidCreateRequest): number {
    switch (request.serviceTier) {
      case 'default':
        return 1;
      case 'flex':
        return this.options.flexFactor;
      default:
        return assertNever(request.serviceTier);
    }
  }
}

function courseFor(status: SimTaskStatus, now: number): TaskCourse {
  switch (status) {
    case 'pending':
    case 'processing':
      return { kind: 'running', phase: status, sinceMs: now };
    case 'completed':
    case 'failed':
    case 'expired':
      return { kind: 'settled', status: status satisfies SimTerminalStatus, atMs: now };
    default:
      return assertNever(status);
  }
}
