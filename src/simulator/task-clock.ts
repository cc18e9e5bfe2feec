/**
 * A task's life as a pure function of time. Nothing ticks: the status is derived from
 * timestamps whenever someone looks, so thousands of tasks cost no timers and a test
 * clock (`now`) can move a task along instantly.
 */
import { assertNever, type SimTaskStatus, type SimTerminalStatus } from './wire-values';

/** How a task ends when left alone, chosen by a marker in its prompt. */
export type OutcomeMarker = 'none' | 'fail' | 'expire' | 'stall';

/** Prompt markers; the first listed wins when several are present. */
const MARKERS: ReadonlyArray<readonly [string, Exclude<OutcomeMarker, 'none'>]> = [
  ['[sim:fail]', 'fail'],
  ['[sim:expire]', 'expire'],
  ['[sim:stall]', 'stall'],
];

/** Reads `[sim:fail]`, `[sim:expire]` or `[sim:stall]` from a prompt. */
export function markerOf(prompt: string | null): OutcomeMarker {
  if (prompt === null) return 'none';
  for (const [text, marker] of MARKERS) if (prompt.includes(text)) return marker;
  return 'none';
}

/** Where a task's timeline stands: running on its own from an anchor, or settled by control. */
export type TaskCourse =
  | { kind: 'running'; phase: 'pending' | 'processing'; sinceMs: number }
  | { kind: 'settled'; status: SimTerminalStatus; atMs: number };

/** What determines a task's timeline. */
export interface Timeline {
  course: TaskCourse;
  marker: OutcomeMarker;
  /** Already scaled for the service tier. */
  queueMs: number;
  runMs: number;
  /** created_at + execution_expires_after. */
  expiresAtMs: number;
}

/** The status at some moment and since when it holds. */
export interface ClockState {
  status: SimTaskStatus;
  sinceMs: number;
}

interface Plan {
  pendingSinceMs: number;
  processingAtMs: number;
  /** Infinity when the task never ends on its own. */
  endAtMs: number;
  endStatus: SimTerminalStatus;
}

function plan(timeline: Timeline, phase: 'pending' | 'processing', sinceMs: number): Plan {
  const processingAtMs = phase === 'pending' ? sinceMs + timeline.queueMs : sinceMs;
  const runEndMs = processingAtMs + timeline.runMs;
  const natural = naturalEnd(timeline.marker, runEndMs);
  // Expiry wins only if it comes strictly before the natural end ("passes before completion").
  if (timeline.expiresAtMs < natural.atMs)
    return { pendingSinceMs: sinceMs, processingAtMs, endAtMs: timeline.expiresAtMs, endStatus: 'expired' };
  return { pendingSinceMs: sinceMs, processingAtMs, endAtMs: natural.atMs, endStatus: natural.status };
}

function naturalEnd(marker: OutcomeMarker, runEndMs: number): { atMs: number; status: SimTerminalStatus } {
  switch (marker) {
    case 'none':
      return { atMs: runEndMs, status: 'completed' };
    case 'fail':
      return { atMs: runEndMs, status: 'failed' };
    case 'expire':
      return { atMs: runEndMs, status: 'expired' };
    case 'stall':
      return { atMs: Infinity, status: 'expired' };
    default:
      return assertNever(marker);
  }
}

/** The status at `nowMs`. */
export function stateAt(timeline: Timeline, nowMs: number): ClockState {
  const { course } = timeline;
  switch (course.kind) {
    case 'settled':
      return { status: course.status, sinceMs: course.atMs };
    case 'running': {
      const p = plan(timeline, course.phase, course.sinceMs);
      if (nowMs >= p.endAtMs) return { status: p.endStatus, sinceMs: p.endAtMs };
      if (nowMs >= p.processingAtMs) return { status: 'processing', sinceMs: p.processingAtMs };
      return { status: 'pending', sinceMs: p.pendingSinceMs };
    }
    default:
      return assertNever(course);
  }
}

/** When the status will next change on its own after `nowMs`; null if never. */
export function nextChangeAt(timeline: Timeline, nowMs: number): number | null {
  const { course } = timeline;
  switch (course.kind) {
    case 'settled':
      return null;
    case 'running': {
      const p = plan(timeline, course.phase, course.sinceMs);
      if (nowMs < p.processingAtMs && p.processingAtMs < p.endAtMs) return p.processingAtMs;
      if (nowMs < p.endAtMs && Number.isFinite(p.endAtMs)) return p.endAtMs;
      return null;
    }
    default:
      return assertNever(course);
  }
}
