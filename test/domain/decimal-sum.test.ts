import { DecimalSum, sumDecimals } from '../../src/domain/decimal-sum';

describe('DecimalSum', () => {
  it('sums 200 amounts of "0.1" to exactly "20" (floats would not)', () => {
    expect(sumDecimals(Array.from({ length: 200 }, () => '0.1'))).toBe('20');
    // The float sum for comparison: proves the case is a real trap.
    expect(Array.from({ length: 200 }, () => 0.1).reduce((a, b) => a + b, 0)).not.toBe(20);
  });

  it('adds amounts of different scales without rounding, and prints plain decimals', () => {
    expect(sumDecimals(['0.0375', '1.23456789', '0.1'])).toBe('1.37206789');
    expect(sumDecimals(['0.000000000001', '1000000000000'])).toBe('1000000000000.000000000001');
    expect(sumDecimals(['0.5', '0.5'])).toBe('1');
    expect(sumDecimals(['1.10', '2.20'])).toBe('3.3');
    expect(sumDecimals(['-0.25', '0.1'])).toBe('-0.15');
    expect(sumDecimals(['-0.25', '0.25'])).toBe('0');
    expect(sumDecimals([])).toBe('0');
  });

  it('gives the same result in any order, and when partial sums are merged', () => {
    const amounts = ['0.1', '0.0375', '1.23456789', '0.2', '0.3', '12.5', '0.000001'];
    const forward = sumDecimals(amounts);
    expect(sumDecimals([...amounts].reverse())).toBe(forward);
    const left = new DecimalSum().add('0.1').add('0.0375').add('1.23456789');
    const right = new DecimalSum().add('0.2').add('0.3').add('12.5').add('0.000001');
    expect(left.addSum(right).toString()).toBe(forward);
    expect(forward).toBe('14.37206889');
  });

  it('refuses anything that is not a plain decimal, leaving the sum unchanged', () => {
    const sum = new DecimalSum().add('1.5');
    for (const bad of ['1e-7', 'NaN', '', '0x10', '.5', '1,5']) expect(() => sum.add(bad)).toThrow(RangeError);
    expect(sum.toString()).toBe('1.5');
    expect(sum.isZero()).toBe(false);
    expect(new DecimalSum().add('0.000').isZero()).toBe(true);
  });
});
