/**
 * The life of a video task and the only moves it may make.
 *
 * SUBMITTING -> QUEUED -> RUNNING -> SUCCEEDED | FAILED | EXPIRED, where QUEUED may also end
 * directly. SUBMITTING is the write-ahead record of a create in flight (no upstream id yet);
 * when no answer says whether the upstream accepted it, it becomes OUTCOME_UNKNOWN, which an
 * upstream callback naming the task can still resolve (adoption: any later status).
 * Terminal states are final: nothing observed later (a late poll, a replayed callback)
 * may move a task out of one, and a task never moves backwards.
 */
export enum VideoTaskStatus {
  SUBMITTING = 'SUBMITTING',
  OUTCOME_UNKNOWN = 'OUTCOME_UNKNOWN',
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  EXPIRED = 'EXPIRED',
}

/** The statuses a task can end in. */
export type TerminalStatus = VideoTaskStatus.SUCCEEDED | VideoTaskStatus.FAILED | VideoTaskStatus.EXPIRED;

/** The statuses of a task without a known upstream task (its create is in flight or unresolved). */
export type UnconfirmedStatus = VideoTaskStatus.SUBMITTING | VideoTaskStatus.OUTCOME_UNKNOWN;

/** Every status that is not terminal. */
export type UnfinishedStatus = Exclude<VideoTaskStatus, TerminalStatus>;

/** True for SUCCEEDED, FAILED and EXPIRED. */
export function isTerminal(status: VideoTaskStatus): status is TerminalStatus {
  switch (status) {
    case VideoTaskStatus.SUBMITTING:
    case VideoTaskStatus.OUTCOME_UNKNOWN:
    case VideoTaskStatus.QUEUED:
    case VideoTaskStatus.RUNNING:
      return false;
    case VideoTaskStatus.SUCCEEDED:
    case VideoTaskStatus.FAILED:
    case VideoTaskStatus.EXPIRED:
      return true;
  }
}

/** True for SUBMITTING and OUTCOME_UNKNOWN: no upstream answer has confirmed the task exists. */
export function isUnconfirmed(status: VideoTaskStatus): status is UnconfirmedStatus {
  return status === VideoTaskStatus.SUBMITTING || status === VideoTaskStatus.OUTCOME_UNKNOWN;
}

function rank(status: VideoTaskStatus): number {
  switch (status) {
    case VideoTaskStatus.SUBMITTING:
      return 0;
    case VideoTaskStatus.OUTCOME_UNKNOWN:
      return 1;
    case VideoTaskStatus.QUEUED:
      return 2;
    case VideoTaskStatus.RUNNING:
      return 3;
    case VideoTaskStatus.SUCCEEDED:
    case VideoTaskStatus.FAILED:
    case VideoTaskStatus.EXPIRED:
      return 4;
  }
}

/**
 * Whether a task in `from` may move to `to`. Staying put is allowed (a task may change
 * in other ways while its status does not); going backwards or leaving a terminal state is not.
 */
export function canTransition(from: VideoTaskStatus, to: VideoTaskStatus): boolean {
  if (from === to) return true;
  if (isTerminal(from)) return false;
  return rank(to) > rank(from);
}
