/**
 * Every timer the simulator starts goes through one {@link TimerSet}, so that `stop()` can
 * clear them all and leave no handle behind (jest's --detectOpenHandles stays quiet).
 */

/** Node's largest setTimeout delay; longer ones overflow and fire at once. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** A set of timers that can be cleared together. */
export class TimerSet {
  private readonly handles = new Set<NodeJS.Timeout>();
  private stopped = false;

  /** Runs `fn` after `delayMs` (clamped to what Node supports) unless cleared first. */
  set(fn: () => void, delayMs: number): NodeJS.Timeout | undefined {
    if (this.stopped) return undefined;
    const handle = setTimeout(
      () => {
        this.handles.delete(handle);
        fn();
      },
      Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY_MS),
    );
    // The server's listening socket keeps a process alive; a timer alone should not.
    handle.unref();
    this.handles.add(handle);
    return handle;
  }

  /** Resolves after `delayMs`; never resolves if the set is cleared meanwhile. */
  delay(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.set(resolve, delayMs);
    });
  }

  /** Clears one timer (no-op for undefined or already fired handles). */
  clear(handle: NodeJS.Timeout | undefined): void {
    if (!handle) return;
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  /** Clears every timer and refuses new ones. */
  clearAll(): void {
    this.stopped = true;
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }
}
