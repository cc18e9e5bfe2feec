import { ReportRangeError, timeBuckets, UsageGranularity } from '../../src/domain/usage-granularity';

const at = (iso: string) => Date.parse(iso);
const show = (buckets: Array<{ startMs: number; endMs: number }>) =>
  buckets.map((b) => `${new Date(b.startMs).toISOString()} ${new Date(b.endMs).toISOString()}`);

describe('timeBuckets', () => {
  it('splits on UTC boundaries and cuts the first and last bucket at from and to', () => {
    expect(
      show(timeBuckets(at('2026-01-31T12:00:00Z'), at('2026-03-15T00:00:00Z'), UsageGranularity.MONTH, 10)),
    ).toEqual([
      '2026-01-31T12:00:00.000Z 2026-02-01T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z 2026-03-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z 2026-03-15T00:00:00.000Z',
    ]);
    expect(show(timeBuckets(at('2026-01-01T00:00:00Z'), at('2026-01-03T00:00:00Z'), UsageGranularity.DAY, 2))).toEqual([
      '2026-01-01T00:00:00.000Z 2026-01-02T00:00:00.000Z',
      '2026-01-02T00:00:00.000Z 2026-01-03T00:00:00.000Z',
    ]);
    expect(timeBuckets(at('2026-01-01T00:30:00Z'), at('2026-01-01T02:00:00Z'), UsageGranularity.HOUR, 2)).toHaveLength(
      2,
    );
  });

  it('makes TOTAL one bucket over the whole range, however long', () => {
    expect(timeBuckets(0, at('9999-12-31T00:00:00Z'), UsageGranularity.TOTAL, 1)).toEqual([
      { startMs: 0, endMs: at('9999-12-31T00:00:00Z') },
    ]);
  });

  it('refuses empty or inverted ranges and ranges with more buckets than allowed, without building them', () => {
    expect(() => timeBuckets(5, 5, UsageGranularity.DAY, 10)).toThrow(ReportRangeError);
    expect(() => timeBuckets(6, 5, UsageGranularity.TOTAL, 10)).toThrow(/later than from/);
    expect(() => timeBuckets(at('2026-01-01T00:00:00Z'), at('2026-01-01T03:00:01Z'), UsageGranularity.HOUR, 3)).toThrow(
      /more than 3 HOUR buckets/,
    );
    const started = Date.now();
    expect(() => timeBuckets(0, at('9999-01-01T00:00:00Z'), UsageGranularity.HOUR, 1000)).toThrow(ReportRangeError);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
