/** A clock tests move by hand, passed to `openStore({ now })`: expiries without waiting. */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
  set(ms: number): void;
  /** Back to the start time (call in `beforeEach`). */
  reset(): void;
}

/** A {@link TestClock} starting at `startMs`. */
export function testClock(startMs: number): TestClock {
  let current = startMs;
  return {
    now: () => current,
    advance: (ms) => void (current += ms),
    set: (ms) => void (current = ms),
    reset: () => void (current = startMs),
  };
}
