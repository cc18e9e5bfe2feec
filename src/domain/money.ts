/**
 * Exact decimal money. Amounts travel as decimal strings (the upstream's `cost` is one) and
 * are never turned into floats, which would add noise such as 0.30000000000000004.
 */

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** True for a plain decimal string: optional minus, digits, optional fraction, no exponent. */
export function isDecimalString(value: string): boolean {
  return DECIMAL.test(value);
}

/**
 * Canonical form of a decimal string: no leading zeros, no trailing fractional zeros,
 * no "-0". Throws RangeError for anything that is not a plain decimal.
 */
export function normalizeDecimal(value: string): string {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new RangeError(`not a decimal amount: ${JSON.stringify(value.slice(0, 40))}`);
  const [, minus, whole = '0', fraction = ''] = match;
  const intPart = whole.replace(/^0+(?=\d)/, '');
  const fracPart = fraction.replace(/0+$/, '');
  const body = fracPart ? `${intPart}.${fracPart}` : intPart;
  return minus && body !== '0' ? `-${body}` : body;
}

/**
 * Decimal string for a JSON number the upstream sent where a string was documented.
 * Uses the shortest round-trip representation, expanded out of exponent form.
 */
export function decimalFromNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  const text = String(value);
  if (!/e/i.test(text)) return normalizeDecimal(text);
  const [mantissa = '0', exponentText = '0'] = text.toLowerCase().split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const [whole = '0', fraction = ''] = mantissa.replace('-', '').split('.');
  const digits = whole + fraction;
  const point = whole.length + exponent;
  const expanded =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return normalizeDecimal(`${negative ? '-' : ''}${expanded}`);
}

/** Decimal places of the fixed unit money is summed in by the store: nano-USD (10^-9 USD). */
export const NANO_DIGITS = 9;

/**
 * A decimal amount in whole nano-USD, for exact sums in SQL. Digits past the ninth decimal
 * (no documented price has them) are rounded half away from zero; `exact` says whether any were.
 * @throws RangeError for anything that is not a plain decimal
 */
export function toNanos(amount: string): { nanos: bigint; exact: boolean } {
  const normalized = normalizeDecimal(amount);
  const negative = normalized.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? normalized.slice(1) : normalized).split('.');
  const kept = fraction.slice(0, NANO_DIGITS).padEnd(NANO_DIGITS, '0');
  let nanos = BigInt(whole + kept);
  const dropped = fraction.slice(NANO_DIGITS);
  if (dropped !== '' && dropped[0]! >= '5') nanos += 1n;
  return { nanos: negative ? -nanos : nanos, exact: dropped === '' };
}

/** The decimal string of a whole number of nano-USD (given as a bigint or its decimal text). */
export function fromNanos(nanos: bigint | string): string {
  const value = typeof nanos === 'bigint' ? nanos : BigInt(nanos);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(NANO_DIGITS + 1, '0');
  const whole = digits.slice(0, digits.length - NANO_DIGITS);
  return normalizeDecimal(`${negative ? '-' : ''}${whole}.${digits.slice(digits.length - NANO_DIGITS)}`);
}
