import { decimalFromNumber, isDecimalString, normalizeDecimal } from '../../src/domain/money';

describe('money', () => {
  it('normalizes decimal strings without floats', () => {
    expect(normalizeDecimal('0.1000')).toBe('0.1');
    expect(normalizeDecimal('007.50')).toBe('7.5');
    expect(normalizeDecimal('1.23456789')).toBe('1.23456789');
    expect(normalizeDecimal('-0.000')).toBe('0');
    expect(normalizeDecimal('12')).toBe('12');
    expect(normalizeDecimal(' 3.0 ')).toBe('3');
  });

  it('refuses anything but a plain decimal', () => {
    for (const bad of ['1e-7', 'abc', '', '.5', '1.', '0x10', 'NaN']) {
      expect(isDecimalString(bad)).toBe(false);
      expect(() => normalizeDecimal(bad)).toThrow(RangeError);
    }
  });

  it('expands numbers the upstream sent where strings were documented', () => {
    expect(decimalFromNumber(0.0375)).toBe('0.0375');
    expect(decimalFromNumber(0)).toBe('0');
    expect(decimalFromNumber(1e-7)).toBe('0.0000001');
    expect(decimalFromNumber(1.5e-10)).toBe('0.00000000015');
    expect(decimalFromNumber(2e21)).toBe('2000000000000000000000');
    expect(decimalFromNumber(-2.5e-3)).toBe('-0.0025');
    expect(() => decimalFromNumber(Number.NaN)).toThrow(RangeError);
  });
});
