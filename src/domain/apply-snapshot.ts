import { canTransition, isTerminal, isUnconfirmed, VideoTaskStatus } from './task-status';
import type { TaskError, VideoTask } from './video-task';

/** What an observation of the upstream says about a task, in domain terms. */
export interface TaskObservation {
  status: VideoTaskStatus;
  videos: VideoTask['videos'];
  lastFrameUrl: string | null;
  usage: VideoTask['usage'];
  error: TaskError | null;
}

/**
 * The next version of `task` after observing the upstream, or null when nothing changes.
 * Enforces the status state machine: a terminal task never changes again, and a status
 * that would move backwards (a stale read) is ignored rather than stored.
 */
export function applyObservation(task: VideoTask, observed: TaskObservation, nowIso: string): VideoTask | null {
  if (isTerminal(task.status)) return null;
  if (!canTransition(task.status, observed.status)) return null;
  const terminal = isTerminal(observed.status);
  const next: VideoTask = {
    ...task,
    status: observed.status,
    // Results only count once the task is done; an upstream that sends partial output early is ignored.
    videos: terminal ? observed.videos : task.videos,
    lastFrameUrl: terminal ? observed.lastFrameUrl : task.lastFrameUrl,
    usage: observed.status === VideoTaskStatus.SUCCEEDED ? observed.usage : task.usage,
    error:
      observed.status === VideoTaskStatus.FAILED || observed.status === VideoTaskStatus.EXPIRED ? observed.error : null,
    finishedAt: terminal ? nowIso : null,
  };
  if (
    next.status === task.status &&
    next.videos === task.videos &&
    next.lastFrameUrl === task.lastFrameUrl &&
    next.usage === task.usage &&
    next.error === task.error
  ) {
    return null;
  }
  return { ...next, updatedAt: nowIso };
}

/** The task after the gateway gave up on it: past `expiresAt` and still not finished upstream. */
export function expireTask(task: VideoTask, nowIso: string, error: TaskError): VideoTask | null {
  if (isTerminal(task.status)) return null;
  return { ...task, status: VideoTaskStatus.EXPIRED, error, finishedAt: nowIso, updatedAt: nowIso };
}

/** The task after the upstream confirmed it does not know it (repeated 404s). */
export function failTask(task: VideoTask, nowIso: string, error: TaskError): VideoTask | null {
  if (isTerminal(task.status)) return null;
  return { ...task, status: VideoTaskStatus.FAILED, error, finishedAt: nowIso, updatedAt: nowIso };
}

/**
 * The write-ahead task after the upstream accepted its create: it now has its upstream id and
 * is QUEUED. A task already adopted under the same id (a callback beat the create's answer) is
 * left as it is (null); a different id is a contradiction the caller must not store.
 * @throws Error when the task already names another upstream task
 */
export function confirmCreated(task: VideoTask, upstreamTaskId: string, nowIso: string): VideoTask | null {
  if (task.upstreamTaskId !== null) {
    if (task.upstreamTaskId === upstreamTaskId) return null;
    throw new Error(`task ${task.id} already names upstream task ${task.upstreamTaskId}, not ${upstreamTaskId}`);
  }
  return { ...task, upstreamTaskId, status: VideoTaskStatus.QUEUED, updatedAt: nowIso };
}

/** The write-ahead task after its create got no answer saying whether it was accepted. */
export function markOutcomeUnknown(task: VideoTask, nowIso: string): VideoTask | null {
  if (task.status !== VideoTaskStatus.SUBMITTING) return null;
  return { ...task, status: VideoTaskStatus.OUTCOME_UNKNOWN, updatedAt: nowIso };
}

/**
 * An unconfirmed task (SUBMITTING or OUTCOME_UNKNOWN) adopting the upstream task it was
 * created as, from a read of that task: it gets the upstream id and the observed state.
 * Null when the task is not unconfirmed any more (a create's answer or another callback was first).
 */
export function adoptUpstreamTask(
  task: VideoTask,
  upstreamTaskId: string,
  observed: TaskObservation,
  nowIso: string,
): VideoTask | null {
  if (!isUnconfirmed(task.status) || task.upstreamTaskId !== null) return null;
  const claimed: VideoTask = { ...task, upstreamTaskId, status: VideoTaskStatus.QUEUED };
  return { ...(applyObservation(claimed, observed, nowIso) ?? claimed), syncedAt: nowIso, updatedAt: nowIso };
}
