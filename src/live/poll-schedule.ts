import { ServiceTier } from '../domain/generation-options';

/** The knobs of the poll schedule (from `POLL_*` configuration). */
export interface PollScheduleOptions {
  minIntervalMs: number;
  maxIntervalMs: number;
  /** Ceiling for FLEX tasks; defaults to `maxIntervalMs`. */
  flexMaxIntervalMs?: number;
  /** Set when upstream callbacks are on. */
  callbacks?: { safetyIntervalMs: number };
}

/** Where one task stands, as far as its schedule is concerned. */
export interface PollState {
  serviceTier: ServiceTier;
  /** Reads of this task so far (in this process). */
  reads: number;
  /** Reads since its last change. */
  quietReads: number;
}

/**
 * Milliseconds until the next status read of a task.
 *
 * - Callbacks off: exponential backoff while the task is quiet, from the minimum to the
 *   maximum interval (FLEX tasks, which can run for hours, to their own larger maximum),
 *   starting over after every change.
 * - Callbacks on: one early read (to see RUNNING), then only the long safety interval, in
 *   case a callback never arrives; callbacks themselves trigger reads as they come.
 *
 * ±20% jitter keeps tasks submitted together from polling in lockstep. `random` is
 * injectable for tests.
 */
export function nextPollDelay(
  state: PollState,
  options: PollScheduleOptions,
  random: () => number = Math.random,
): number {
  const { minIntervalMs, maxIntervalMs, flexMaxIntervalMs, callbacks } = options;
  let base: number;
  if (callbacks) {
    base = state.reads === 0 ? minIntervalMs : callbacks.safetyIntervalMs;
  } else {
    const ceiling =
      state.serviceTier === ServiceTier.FLEX
        ? Math.max(flexMaxIntervalMs ?? maxIntervalMs, maxIntervalMs)
        : maxIntervalMs;
    base = Math.min(ceiling, minIntervalMs * 2 ** Math.min(state.quietReads, 30));
  }
  return Math.round(base * (0.8 + random() * 0.4));
}
