/**
 * The `frames` parameter: the docs allow only 25 + 4n frames (n >= 1) within [29, 289], at a
 * fixed 24 frames per second, so most fractional lengths have to be rounded to a valid count.
 */
import { OPTION_LIMITS } from './generation-options';

const { min: MIN_FRAMES, max: MAX_FRAMES, base: FRAMES_BASE, step: FRAMES_STEP } = OPTION_LIMITS.frames;
const FPS = OPTION_LIMITS.framesPerSecond;

/**
 * Distances closer than this count as a tie. `seconds * 24` carries binary floating-point
 * noise (2.4 * 24 is 57.599999999999994), so a length meant to sit exactly halfway between two
 * counts could otherwise tip to the longer, costlier one by a rounding error.
 */
const TIE_EPSILON = 1e-9;

/** A valid frame count and the video length it produces. */
export interface FrameCount {
  /** A value accepted by the upstream's `frames` parameter. */
  frames: number;
  /** `frames / 24`: the length the upstream will actually generate. */
  durationSeconds: number;
}

/**
 * Whether `n` is accepted by the upstream's `frames` parameter: an integer of the form
 * 25 + 4n with n >= 1, within [29, 289] (so 29, 33, ..., 289).
 */
export function isValidFrameCount(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_FRAMES && n <= MAX_FRAMES && (n - FRAMES_BASE) % FRAMES_STEP === 0;
}

/**
 * The valid frame count nearest to `seconds * 24`, clamped to [29, 289], with the length it
 * produces. Example from the docs: 2.4 s -> 57.6 frames -> 57 frames = 2.375 s.
 *
 * On a tie the lower count wins, so the result is never longer (and never costlier) than
 * asked for when the two neighbours are equally close.
 *
 * @throws RangeError when `seconds` is negative, NaN or infinite.
 */
export function nearestFrameCount(seconds: number): FrameCount {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`seconds must be a finite number >= 0, got ${seconds}`);
  }
  const target = seconds * FPS;
  let frames: number;
  if (target <= MIN_FRAMES) {
    frames = MIN_FRAMES;
  } else if (target >= MAX_FRAMES) {
    frames = MAX_FRAMES;
  } else {
    const lower = FRAMES_BASE + FRAMES_STEP * Math.floor((target - FRAMES_BASE) / FRAMES_STEP);
    const upper = lower + FRAMES_STEP;
    // Both neighbours are within [29, 289] here because target is strictly inside that range.
    frames = upper - target < target - lower - TIE_EPSILON ? upper : lower;
  }
  return { frames, durationSeconds: frames / FPS };
}

/**
 * The valid frame counts just below and above `n` (either may be null at the ends of the
 * range), for error messages that suggest what to send instead.
 */
export function neighbouringFrameCounts(n: number): { below: number | null; above: number | null } {
  if (!Number.isFinite(n)) return { below: null, above: null };
  const below = FRAMES_BASE + FRAMES_STEP * Math.floor((n - FRAMES_BASE) / FRAMES_STEP);
  const strictlyBelow = below === n ? below - FRAMES_STEP : below;
  const above = below + FRAMES_STEP;
  const clampedBelow = strictlyBelow >= MIN_FRAMES ? Math.min(strictlyBelow, MAX_FRAMES) : null;
  const clampedAbove = above <= MAX_FRAMES ? Math.max(above, MIN_FRAMES) : null;
  return { below: clampedBelow, above: clampedAbove };
}
