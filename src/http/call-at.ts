/** Longest delay setTimeout takes (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * Calls `callback` once at wall-clock time `atMs` (at once if it has passed). Timers are
 * unref'd, so a pending deadline never keeps the process alive; deadlines beyond
 * setTimeout's range are reached in steps. Returns the cancel function.
 */
export function callAt(atMs: number, callback: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const delay = atMs - Date.now();
    if (delay > MAX_TIMER_DELAY_MS) {
      timer = setTimeout(arm, MAX_TIMER_DELAY_MS);
    } else {
      timer = setTimeout(
        () => {
          timer = undefined;
          callback();
        },
        Math.max(0, delay),
      );
    }
    timer.unref();
  };
  arm();
  return () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
}
