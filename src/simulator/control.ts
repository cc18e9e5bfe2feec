/**
 * Direct control of tasks for tests that must not depend on wall-clock timing. Each change
 * is immediate and reaches the task's callback URL like a natural change would.
 */
import type { CallbackNotifier } from './callbacks';
import { defaultFailure, type SimTask, type TaskBook } from './task-book';
import type { WireTask } from './task-view';
import type { SimTaskStatus } from './wire-values';

/**
 * Moves tasks by hand. Every method throws `UnknownTaskError` for an unknown id and returns
 * the task as a status read would now return it.
 */
export interface SimulatorControl {
  /** Completes the task now, with output and usage. */
  complete(id: string): WireTask;
  /** Fails the task now; code and message default to the model's 095 "Internal generation error (simulated)". */
  fail(id: string, code?: string, message?: string): WireTask;
  /** Expires the task now. */
  expire(id: string): WireTask;
  /**
   * Sets any status now. `pending` / `processing` restart the task's timeline from now
   * (it then moves on by itself after queueMs / runMs); terminal statuses stay.
   */
  setStatus(id: string, status: SimTaskStatus): WireTask;
  /** The task as a status read would return it, without counting a read. */
  get(id: string): WireTask;
  /** The `callback_url` the task was created with, or null. */
  callbackUrl(id: string): string | null;
  /** Ids of every task created so far, oldest first (what was accepted, and billed). */
  taskIds(): string[];
}

/** Wires control calls to the task book and the callback notifier. */
export function createControl(deps: {
  book: TaskBook;
  notifier: CallbackNotifier;
  render: (task: SimTask) => WireTask;
}): SimulatorControl {
  const { book, notifier, render } = deps;
  const change = (id: string, status: SimTaskStatus, failure?: { code: string; error_message: string }): WireTask => {
    const task = book.require(id);
    book.setStatus(task, status, failure);
    notifier.refresh(task);
    return render(task);
  };
  return {
    complete: (id) => change(id, 'completed'),
    fail: (id, code, message) => {
      const fallback = defaultFailure(book.require(id));
      return change(id, 'failed', { code: code ?? fallback.code, error_message: message ?? fallback.error_message });
    },
    expire: (id) => change(id, 'expired'),
    setStatus: (id, status) => change(id, status),
    get: (id) => render(book.require(id)),
    callbackUrl: (id) => book.require(id).request.callbackUrl,
    taskIds: () => book.ids(),
  };
}
