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
    point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return normalizeDecimal(`${negative ? '-' : ''}${expanded}`);
}
