import type { TaskError } from '../domain/video-task';
import { UpstreamErrorCode } from './error-codes';

/**
 * The task errors the gateway states itself (rather than reading them from an upstream
 * `error` object), built in one place so every path reports them alike.
 */

/** The task ran out of time: the upstream said so, or it was still unfinished past `expiresAt`. */
export function taskExpiredError(detail: { upstreamCode?: string | null; message?: string | null } = {}): TaskError {
  return {
    code: UpstreamErrorCode.TASK_EXPIRED,
    upstreamCode: detail.upstreamCode ?? null,
    message: detail.message ?? 'the task did not finish before its execution deadline (expiresAt)',
    retryable: true,
  };
}

/** The upstream kept answering 404 for a task it had accepted. */
export function taskLostError(upstreamCode: string | null): TaskError {
  return {
    code: UpstreamErrorCode.NOT_FOUND,
    upstreamCode,
    message: 'the upstream no longer knows this task',
    retryable: true,
  };
}
