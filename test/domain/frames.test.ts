import { isValidFrameCount, nearestFrameCount, neighbouringFrameCounts } from '../../src/domain/frames';

const VALID_COUNTS = Array.from({ length: 66 }, (_, n) => 29 + 4 * n);

describe('isValidFrameCount', () => {
  it('accepts exactly the 66 values 25 + 4n (n >= 1) from 29 to 289', () => {
    expect(VALID_COUNTS[0]).toBe(29);
    expect(VALID_COUNTS[VALID_COUNTS.length - 1]).toBe(289);
    const accepted = Array.from({ length: 400 }, (_, i) => i - 50).filter(isValidFrameCount);
    expect(accepted).toEqual(VALID_COUNTS);
  });

  it.each([
    [25, false], // 25 + 4*0: n must be positive
    [29, true],
    [31, false],
    [33, true],
    [57, true],
    [289, true],
    [293, false],
    [28, false],
    [-3, false],
  ])('%p -> %p', (n, expected) => {
    expect(isValidFrameCount(n)).toBe(expected);
  });

  it.each([29.5, 57.000001, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'refuses non-integer %p',
    (n) => {
      expect(isValidFrameCount(n)).toBe(false);
    },
  );
});

describe('nearestFrameCount', () => {
  it('follows the docs example: 2.4 s -> 57 frames = 2.375 s', () => {
    expect(nearestFrameCount(2.4)).toEqual({ frames: 57, durationSeconds: 2.375 });
  });

  it.each([
    [2, 49], // 48 frames: 49 is 1 away, 45 is 3 away
    [5, 121], // 120
    [3, 73], // 72
    [10, 241], // 240
    [57 / 24, 57], // already valid
  ])('%p s -> %p frames', (seconds, frames) => {
    expect(nearestFrameCount(seconds)).toEqual({ frames, durationSeconds: frames / 24 });
  });

  it('clamps to 29 below and 289 above', () => {
    expect(nearestFrameCount(0)).toEqual({ frames: 29, durationSeconds: 29 / 24 });
    expect(nearestFrameCount(-0)).toEqual({ frames: 29, durationSeconds: 29 / 24 });
    expect(nearestFrameCount(1)).toEqual({ frames: 29, durationSeconds: 29 / 24 });
    expect(nearestFrameCount(12)).toEqual({ frames: 289, durationSeconds: 289 / 24 });
    expect(nearestFrameCount(100)).toEqual({ frames: 289, durationSeconds: 289 / 24 });
    expect(nearestFrameCount(Number.MAX_VALUE)).toEqual({ frames: 289, durationSeconds: 289 / 24 });
  });

  it('takes the lower count on every exact tie (never longer than asked)', () => {
    for (const lower of VALID_COUNTS.slice(0, -1)) {
      // Halfway between two valid counts, expressed in seconds as a caller would.
      expect(nearestFrameCount((lower + 2) / 24).frames).toBe(lower);
    }
  });

  it('rounds just past a tie to the upper count', () => {
    expect(nearestFrameCount(59.01 / 24).frames).toBe(61);
    expect(nearestFrameCount(58.99 / 24).frames).toBe(57);
  });

  it('always returns a valid count within 2 frames of the target inside the range', () => {
    for (let tenth = 13; tenth <= 120; tenth++) {
      const seconds = tenth / 10;
      const { frames, durationSeconds } = nearestFrameCount(seconds);
      expect(isValidFrameCount(frames)).toBe(true);
      expect(durationSeconds).toBe(frames / 24);
      if (seconds * 24 >= 29 && seconds * 24 <= 289) expect(Math.abs(frames - seconds * 24)).toBeLessThanOrEqual(2);
    }
  });

  it.each([-1, -0.001, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'throws RangeError for %p',
    (seconds) => {
      expect(() => nearestFrameCount(seconds)).toThrow(RangeError);
    },
  );

  it('names the bad value in the RangeError', () => {
    expect(() => nearestFrameCount(-1)).toThrow(/-1/);
  });
});

describe('neighbouringFrameCounts', () => {
  it.each([
    [30, 29, 33],
    [31, 29, 33],
    [57, 53, 61],
    [58.5, 57, 61],
    [25, null, 29],
    [0, null, 29],
    [-7, null, 29],
    [293, 289, null],
    [1000, 289, null],
  ])('%p -> below %p, above %p', (n, below, above) => {
    expect(neighbouringFrameCounts(n)).toEqual({ below, above });
  });

  it('has no neighbours for non-finite input', () => {
    expect(neighbouringFrameCounts(Number.NaN)).toEqual({ below: null, above: null });
  });
});
