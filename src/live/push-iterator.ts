/** Values a consumer may leave unread before it is considered too slow and its stream is ended. */
export const DEFAULT_MAX_QUEUED = 1024;

/**
 * A minimal async iterator fed by pushes, attached to its producer from the moment it is
 * created: nothing pushed before the first `next()` is lost. `return()` (a client
 * unsubscribing) ends it at once, even while a `next()` is pending, and calls `onReturn` to
 * detach the producer. A consumer that leaves more than `maxQueued` values unread is ended
 * instead of growing memory.
 *
 * Deliberately smaller than a Repeater: one resolved promise per value, so ten thousand
 * subscribers cost little memory and few microtask hops per change.
 */
export class PushIterator<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  /** Pulls waiting for a value, oldest first (a consumer normally has at most one). */
  private readonly waiting: Array<(result: IteratorResult<T>) => void> = [];
  private finished = false;

  constructor(
    private readonly onReturn: () => void = () => undefined,
    private readonly maxQueued = DEFAULT_MAX_QUEUED,
  ) {}

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift() as T, done: false });
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting.push(resolve);
    });
  }

  /** Producer side: queues a value; false when the stream is over (ended, returned, or dropped for lagging). */
  push(value: T): boolean {
    if (this.finished) return false;
    const waiting = this.waiting.shift();
    if (waiting) {
      waiting({ value, done: false });
      return true;
    }
    if (this.queue.length >= this.maxQueued) {
      this.return();
      return false;
    }
    this.queue.push(value);
    return true;
  }

  /** Producer side: no more values; what is queued is still delivered. */
  end(): void {
    if (this.finished) return;
    this.finished = true;
    for (const waiting of this.waiting.splice(0)) waiting({ value: undefined, done: true });
    this.onReturn();
  }

  /** Consumer side: stop now, dropping anything queued. */
  return(): Promise<IteratorResult<T>> {
    this.queue.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
