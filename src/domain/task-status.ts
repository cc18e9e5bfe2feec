/**
 * The life of a video task and the only moves it may make.
 *
 * QUEUED -> RUNNING -> SUCCEEDED | FAILED | EXPIRED, where QUEUED may also end directly.
 * Terminal states are final: nothing observed later (a late poll, a replayed callback)
 * may move a task out of one, and a task never moves back from RUNNING to QUEUED.
 */
export enum VideoTaskStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  EXPIRED = 'EXPIRED',
}

/** The statuses a task can end in. */
export type TerminalStatus = VideoTaskStatus.SUCCEEDED | VideoTaskStatus.FAILED | VideoTaskStatus.EXPIRED;

/** True for SUCCEEDED, FAILED and EXPIRED. */
export function isTerminal(status: VideoTaskStatus): status is TerminalStatus {
  switch (status) {
    case VideoTaskStatus.QUEUED:
    case VideoTaskStatus.RUNNING:
      return false;
    case VideoTaskStatus.SUCCEEDED:
    case VideoTaskStatus.FAILED:
    case VideoTaskStatus.EXPIRED:
      return true;
  }
}

function rank(status: VideoTaskStatus): number {
  switch (status) {
    case VideoTaskStatus.QUEUED:
      return 0;
    case VideoTaskStatus.RUNNING:
      return 1;
    case VideoTaskStatus.SUCCEEDED:
    case VideoTaskStatus.FAILED:
    case VideoTaskStatus.EXPIRED:
      return 2;
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
