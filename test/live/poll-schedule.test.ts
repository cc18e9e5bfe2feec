import { ServiceTier } from '../../src/domain/generation-options';
import { nextPollDelay } from '../../src/live/poll-schedule';

const noJitter = () => 0.5; // 0.8 + 0.5 * 0.4 = 1.0
const options = { minIntervalMs: 2000, maxIntervalMs: 15000, flexMaxIntervalMs: 120000 };
const delays = (tier: ServiceTier, count: number, opts = options) =>
  Array.from({ length: count }, (_, i) =>
    nextPollDelay({ serviceTier: tier, reads: i, quietReads: i }, opts, noJitter),
  );

describe('nextPollDelay', () => {
  it('backs off from the minimum to the maximum while a task is quiet', () => {
    expect(delays(ServiceTier.DEFAULT, 6)).toEqual([2000, 4000, 8000, 15000, 15000, 15000]);
  });

  it('lets FLEX tasks back off further, to their own maximum', () => {
    expect(delays(ServiceTier.FLEX, 9)).toEqual([2000, 4000, 8000, 16000, 32000, 64000, 120000, 120000, 120000]);
  });

  it('starts over after a change', () => {
    expect(nextPollDelay({ serviceTier: ServiceTier.DEFAULT, reads: 7, quietReads: 0 }, options, noJitter)).toBe(2000);
  });

  it('with callbacks on: one early read, then only the safety interval', () => {
    const withCallbacks = { ...options, callbacks: { safetyIntervalMs: 60000 } };
    expect(delays(ServiceTier.DEFAULT, 4, withCallbacks)).toEqual([2000, 60000, 60000, 60000]);
  });

  it('jitters by ±20%', () => {
    const state = { serviceTier: ServiceTier.DEFAULT, reads: 0, quietReads: 0 };
    expect(nextPollDelay(state, options, () => 0)).toBe(1600);
    expect(nextPollDelay(state, options, () => 0.999999)).toBe(2400);
  });

  it('reads a 60 s generation at most 12 times with callbacks off (even with the shortest jitter)', () => {
    let at = 0;
    let reads = 0;
    while (at < 60_000) {
      at += nextPollDelay({ serviceTier: ServiceTier.DEFAULT, reads, quietReads: reads }, options, () => 0);
      reads += 1;
    }
    expect(reads + 1).toBeLessThanOrEqual(12); // + the read that sees it finished
  });
});
