import type { IncomingMessage } from 'node:http';
import { Semaphore } from './semaphore';

/** No slot for a large request came free within the wait allowed; answer 503 with Retry-After. */
export class LargeRequestsBusyError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('too many large requests in progress; retry later');
    this.name = 'LargeRequestsBusyError';
  }
}

/** How a {@link LargeRequestGate} behaves. */
export interface LargeRequestGateOptions {
  /** Bodies above this many bytes are large. */
  thresholdBytes: number;
  /** Large requests read and processed at once. */
  maxInFlight: number;
  /** How long a large request may wait for a slot before it is refused. */
  maxWaitMs: number;
  /** Sent as Retry-After on refusal. */
  retryAfterSeconds: number;
}

/**
 * Admission of large request bodies (images as data URLs, up to ~170 MB each). A request
 * holds one slot while its body is read and for its whole GraphQL execution, because the
 * parsed images stay in memory until the upstream create returns; so the gateway holds at
 * most `maxInFlight` large bodies whatever the number of clients. A waiting request's body is
 * not read at all: TCP backpressure keeps it in the client. Waits are bounded, then refused.
 */
export class LargeRequestGate {
  private readonly slots: Semaphore;

  constructor(private readonly options: LargeRequestGateOptions) {
    this.slots = new Semaphore(options.maxInFlight);
  }

  /** Bodies above this many bytes must be admitted. */
  get thresholdBytes(): number {
    return this.options.thresholdBytes;
  }

  /** Large requests admitted and not yet finished. */
  get inFlight(): number {
    return this.slots.inUse;
  }

  /** Large requests waiting for a slot. */
  get waiting(): number {
    return this.slots.waiting;
  }

  /**
   * Resolves with `release` (call it once the response is written) when a slot is free.
   * Rejects with {@link LargeRequestsBusyError} after `maxWaitMs`, or with another error when
   * the client goes away while waiting (nobody is left to answer).
   */
  async admit(request: IncomingMessage): Promise<() => void> {
    if (request.destroyed) throw new Error('the client went away before its large request was admitted');
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new LargeRequestsBusyError(this.options.retryAfterSeconds)),
      this.options.maxWaitMs,
    );
    // The body is unread while waiting, so 'close' here means the connection ended.
    const onClose = (): void =>
      controller.abort(new Error('the client went away while waiting for a large-request slot'));
    request.once('close', onClose);
    try {
      return await this.slots.acquire(controller.signal);
    } finally {
      clearTimeout(timer);
      request.off('close', onClose);
    }
  }
}
