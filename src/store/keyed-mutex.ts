/**
 * One lock per key, within this process: `run(key, work)` starts `work` only after every
 * earlier `run` for the same key has settled, while different keys proceed in parallel.
 *
 * Implemented as a promise chain per key. The map holds only the tail of each chain and the
 * entry is removed as soon as the last holder releases, so a long-running gateway that has
 * touched millions of task ids keeps no state for idle ones.
 *
 * This is not a cross-process lock: two gateways writing the same store can still interleave.
 * (The gateway runs one process per store; a shared backend would need a compare-and-set.)
 */
export class KeyedMutex {
  /** Per key, a promise that settles when the most recent holder (or waiter) releases. */
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `work` while holding the lock for `key` and resolves (or rejects) with its result.
   * A failing `work` releases the lock like a successful one, so one error never wedges a key.
   */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    // Earlier tails never reject: they are our own release promises, resolved in `finally`.
    const previous = this.tails.get(key);
    let release!: () => void;
    const tail = new Promise<void>((resolve) => (release = resolve));
    this.tails.set(key, tail);
    try {
      if (previous) await previous;
      return await work();
    } finally {
      // Only the last waiter removes the entry; otherwise a later waiter's tail stays in place.
      if (this.tails.get(key) === tail) this.tails.delete(key);
      release();
    }
  }

  /** Number of keys that are held or waited for right now (0 when idle: nothing leaks). */
  get size(): number {
    return this.tails.size;
  }

  /** Resolves once no key is held, including work that starts while waiting. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}
