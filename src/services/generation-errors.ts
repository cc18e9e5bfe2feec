import type { InputIssue } from '../domain/input-issue';
import { UpstreamErrorCode } from '../upstream/error-codes';
import { UpstreamRequestError } from '../upstream/upstream-error';

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
  /** The upstream failure's code (a timeout, a lost connection...), or `UPSTREAM_CREATE_OUTCOME_UNKNOWN` for a key. */
  readonly code: string;
  readonly upstreamCode: string | null;

  constructor(
    readonly taskId: string,
    cause?: string,
    upstream?: UpstreamRequestError,
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
    this.code = upstream?.code ?? UpstreamErrorCode.CREATE_OUTCOME_UNKNOWN;
    this.upstreamCode = upstream?.upstreamCode ?? null;
  }
}

/** The upstream refused a create, or could not be reached to take it; nothing was billed. */
export class UpstreamSubmissionError extends Error {
  constructor(
    /** The symbolic code of the upstream error table. */
    readonly code: string,
    message: string,
    readonly upstreamCode: string | null,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'UpstreamSubmissionError';
  }
}

/** The upstream is rate limiting creates; nothing was submitted. */
export class UpstreamBusyError extends Error {
  constructor(
    readonly code: string,
    /** Whole seconds the upstream asked for (at least 1). */
    readonly retryAfterSeconds: number,
  ) {
    super('the upstream is rate limiting requests; nothing was submitted');
    this.name = 'UpstreamBusyError';
  }
}

/**
 * A failure of a submission as the gateway's callers see it: the upstream client's errors
 * become {@link UpstreamBusyError} or {@link UpstreamSubmissionError}; anything else is returned as is.
 */
export function submissionErrorOf(error: unknown): unknown {
  if (!(error instanceof UpstreamRequestError)) return error;
  if (error.kind === 'rate_limited') return new UpstreamBusyError(error.code, error.retryAfterSeconds ?? 1);
  return new UpstreamSubmissionError(error.code, error.message, error.upstreamCode, error.retryable);
}
