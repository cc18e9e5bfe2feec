import { normalizeDecimal } from './money';

/**
 * Exact sums of decimal strings (money), with scaled BigInt: every amount is held as an
 * integer number of 10^-scale units, so adding never rounds and the order of additions does
 * not matter. 200 amounts of "0.1" sum to exactly "20"; floats would give 20.000000000000004
 * or similar depending on the order.
 */
export class DecimalSum {
  /** The sum so far, in units of 10^-scale. */
  private units = 0n;
  private scale = 0;

  /**
   * Adds a plain decimal string (optional minus, digits, optional fraction; no exponent).
   * @throws RangeError for anything else, before changing the sum
   */
  add(amount: string): this {
    // Most amounts merged in reports are zero (unfinished tasks, failures): skip the parse.
    if (amount === '0') return this;
    const normalized = normalizeDecimal(amount);
    const negative = normalized.startsWith('-');
    const [whole = '0', fraction = ''] = (negative ? normalized.slice(1) : normalized).split('.');
    let units = BigInt(whole + fraction);
    if (negative) units = -units;
    this.addUnits(units, fraction.length);
    return this;
  }

  /** Adds another sum. */
  addSum(other: DecimalSum): this {
    this.addUnits(other.units, other.scale);
    return this;
  }

  /** True when nothing but zeros was added. */
  isZero(): boolean {
    return this.units === 0n;
  }

  /** The canonical decimal string: no exponent, no leading or trailing zeros, "0" for nothing. */
  toString(): string {
    const negative = this.units < 0n;
    const digits = (negative ? -this.units : this.units).toString().padStart(this.scale + 1, '0');
    const whole = digits.slice(0, digits.length - this.scale);
    const fraction = digits.slice(digits.length - this.scale);
    return normalizeDecimal(`${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`);
  }

  private addUnits(units: bigint, scale: number): void {
    // Bring both to the finer scale; the result keeps it (toString drops trailing zeros).
    if (scale > this.scale) {
      this.units *= 10n ** BigInt(scale - this.scale);
      this.scale = scale;
    }
    this.units += units * 10n ** BigInt(this.scale - scale);
  }
}

/** Exact sum of decimal strings; "0" for none. */
export function sumDecimals(amounts: Iterable<string>): string {
  const sum = new DecimalSum();
  for (const amount of amounts) sum.add(amount);
  return sum.toString();
}
