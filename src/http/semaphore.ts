/**
 * A counting semaphore with a FIFO queue of waiters, each of which can give up through an
 * `AbortSignal` (a deadline, a client that went away) and then leaves the queue at once, so
 * an abandoned waiter never takes a permit it no longer wants.
 *
 * (cockatiel's bulkhead, used by the poller, would queue too, but a queued call whose signal
 * aborts is only rejected when it reaches the front: a waiting upload could not time out.)
 */
export class Semaphore {
  private held = 0;
  private readonly waiters: Array<{ grant: (release: () => void) => void }> = [];

  constructor(readonly permits: number) {
    if (!Number.isInteger(permits) || permits < 1)
      throw new RangeError(`a semaphore needs at least one permit, got ${permits}`);
  }

  /** Permits held right now. */
  get inUse(): number {
    return this.held;
  }

  /** Callers queued for a permit right now. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Resolves with a `release` function once a permit is free (immediately when one is).
   * Rejects with `signal.reason` if the signal aborts first; the waiter is then gone from
   * the queue. Calling `release` more than once has no further effect.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.held < this.permits) {
      this.held++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: (release: () => void) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = (): void => {
        const at = this.waiters.indexOf(waiter);
        if (at !== -1) this.waiters.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // The permit passes straight to the next waiter: nobody can overtake the queue.
      if (next) next.grant(this.releaser());
      else this.held--;
    };
  }
}
