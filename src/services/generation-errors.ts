import type { UpstreamRequestError } from '../upstream/upstream-error';
import type { InputIssue } from '../domain/input-issue';

/** A request that broke documented rules; nothing was sent upstream. */
export class InvalidGenerationError extends Error {
  constructor(readonly issues: InputIssue[]) {
    super(`the request has ${issues.length} problem${issues.length === 1 ? '' : 's'}`);
    this.name = 'InvalidGenerationError';
  }
}

/**
 * A submission whose create may have been accepted (and billed) upstream without an answer
 * saying so: a timeout, a connection lost after sending, or an earlier process that stopped
 * mid-create. `taskId` names its OUTCOME_UNKNOWN task, which an upstream callback may still
 * resolve. With a key, the key keeps naming that attempt, so repeating the request cannot pay
 * twice; only a new key submits again. Without a key, `upstream` is the failure itself.
 */
export class CreateOutcomeUnknownError extends Error {
  constructor(
    readonly taskId: string,
    cause?: string,
    readonly upstream?: UpstreamRequestError,
  ) {
    super(
      upstream
        ? `${upstream.message}; the upstream may have accepted (and billed) it: follow task ${taskId}. ` +
            'Send an idempotencyKey so a repeat can never create twice.'
        : `A create with this idempotency key may have been accepted upstream${cause ? ` (${cause})` : ''}, ` +
            `but no answer confirmed it; follow task ${taskId}. This key will not submit again. ` +
            'Use a new key to submit anyway (it may be billed twice).',
    );
    this.name = 'CreateOutcomeUnknownError';
  }
}
