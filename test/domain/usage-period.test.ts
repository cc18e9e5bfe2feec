import { coverRange, nextPeriodStart, periodContaining, periodStart, PeriodKind } from '../../src/domain/usage-period';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('usage periods', () => {
  it('aligns hours, days and months in UTC, with real month lengths', () => {
    const t = at('2024-02-29T13:45:10.123Z');
    expect(iso(periodStart(PeriodKind.MINUTE, t))).toBe('2024-02-29T13:45:00.000Z');
    expect(iso(nextPeriodStart(PeriodKind.MINUTE, t))).toBe('2024-02-29T13:46:00.000Z');
    expect(iso(periodStart(PeriodKind.HOUR, t))).toBe('2024-02-29T13:00:00.000Z');
    expect(iso(periodStart(PeriodKind.DAY, t))).toBe('2024-02-29T00:00:00.000Z');
    expect(iso(periodStart(PeriodKind.MONTH, t))).toBe('2024-02-01T00:00:00.000Z');
    expect(iso(nextPeriodStart(PeriodKind.MONTH, t))).toBe('2024-03-01T00:00:00.000Z');
    expect(iso(nextPeriodStart(PeriodKind.MONTH, at('2023-12-31T23:59:59.999Z')))).toBe('2024-01-01T00:00:00.000Z');
    expect(periodContaining(PeriodKind.DAY, at('1969-12-31T23:00:00.000Z'))).toEqual({ kind: PeriodKind.DAY, startMs: at('1969-12-31T00:00:00.000Z'), endMs: 0 });
  });

  it('covers a range with the largest whole periods, partial edges, and nothing whole after the limit', () => {
    const pieces = coverRange(at('2026-01-30T22:30:30Z'), at('2026-03-02T01:15:10Z'), at('2026-03-01T12:00:00Z'));
    const shown = pieces.map((p) => `${p.kind} ${iso(p.startMs)} ${iso(p.endMs)}`);
    expect(shown.slice(0, 3)).toEqual([
      'partial 2026-01-30T22:30:30.000Z 2026-01-30T22:31:00.000Z',
      'minute 2026-01-30T22:31:00.000Z 2026-01-30T22:32:00.000Z',
      'minute 2026-01-30T22:32:00.000Z 2026-01-30T22:33:00.000Z',
    ]);
    expect(shown.slice(29, 33)).toEqual([
      'minute 2026-01-30T22:59:00.000Z 2026-01-30T23:00:00.000Z',
      'hour 2026-01-30T23:00:00.000Z 2026-01-31T00:00:00.000Z',
      'day 2026-01-31T00:00:00.000Z 2026-02-01T00:00:00.000Z',
      'month 2026-02-01T00:00:00.000Z 2026-03-01T00:00:00.000Z',
    ]);
    expect(shown.slice(33, 45)).toEqual(Array.from({ length: 12 }, (_, h) => `hour 2026-03-01T${String(h).padStart(2, '0')}:00:00.000Z 2026-03-01T${String(h + 1).padStart(2, '0')}:00:00.000Z`));
    // After the limit nothing is whole: partial pieces of at most a minute, up to `to` exactly.
    const after = pieces.slice(45);
    expect(after.every((p) => p.kind === 'partial' && p.endMs - p.startMs <= 60_000)).toBe(true);
    expect(after).toHaveLength(13 * 60 + 16);
    expect(iso(after[0]!.startMs)).toBe('2026-03-01T12:00:00.000Z');
    expect(iso(after[after.length - 1]!.endMs)).toBe('2026-03-02T01:15:10.000Z');
  });

  it('always partitions the range exactly', () => {
    for (const [from, to, limit] of [
      ['2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00.001Z', '2027-01-01T00:00:00Z'],
      ['2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2030-01-01T00:00:00Z'],
      ['2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2025-01-01T00:00:00Z'],
    ] as const) {
      const pieces = coverRange(at(from), at(to), at(limit));
      expect(pieces[0]!.startMs).toBe(at(from));
      expect(pieces[pieces.length - 1]!.endMs).toBe(at(to));
      pieces.slice(1).forEach((piece, i) => expect(piece.startMs).toBe(pieces[i]!.endMs));
    }
    expect(coverRange(at('2025-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z'), at('2030-01-01T00:00:00Z'))).toHaveLength(12);
  });
});
