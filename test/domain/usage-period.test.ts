import { nextPeriodStart, periodStart, PeriodKind } from '../../src/domain/usage-period';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('usage periods', () => {
  it('aligns hours, days and months in UTC, with real month lengths', () => {
    const t = at('2024-02-29T13:45:10.123Z');
    expect(iso(periodStart(PeriodKind.HOUR, t))).toBe('2024-02-29T13:00:00.000Z');
    expect(iso(periodStart(PeriodKind.DAY, t))).toBe('2024-02-29T00:00:00.000Z');
    expect(iso(periodStart(PeriodKind.MONTH, t))).toBe('2024-02-01T00:00:00.000Z');
    expect(iso(nextPeriodStart(PeriodKind.MONTH, t))).toBe('2024-03-01T00:00:00.000Z');
    expect(iso(nextPeriodStart(PeriodKind.MONTH, at('2023-12-31T23:59:59.999Z')))).toBe('2024-01-01T00:00:00.000Z');
    expect(periodStart(PeriodKind.DAY, at('1969-12-31T23:00:00.000Z'))).toBe(at('1969-12-31T00:00:00.000Z'));
  });
});
