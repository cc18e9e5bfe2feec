import type { ValidatedGeneration } from '../domain/generation-request';
import type { CreatedUpstreamTask, UpstreamTaskSnapshot } from './upstream-task';

/**
 * The upstream as the rest of the gateway sees it. Failures are thrown as
 * `UpstreamRequestError`. `HttpUpstreamClient` is the implementation; tests run it against
 * the embedded simulator over loopback HTTP.
 */
export interface UpstreamApi {
  /** Submits a generation. Never retried by the client: every create may be billed. */
  createTask(generation: ValidatedGeneration, options?: { callbackUrl?: string }): Promise<CreatedUpstreamTask>;
  /** Reads a task's current state; transient failures are retried with capped, jittered backoff. */
  getTask(upstreamTaskId: string): Promise<UpstreamTaskSnapshot>;
}
