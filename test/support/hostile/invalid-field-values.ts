import fc from 'fast-check';
import { ENUMS, INT32, INT_DOMAIN, type EnumField } from './generate-video-input-shape';
import { repeatedText } from './lazy-string';

/** Values that break one rule of one field for sure: wrong type, not a member, out of range. */

/** Anything but a string: numbers, booleans, objects, lists. */
export const nonString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant({}),
  fc.constant([1]),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { minKeys: 1, maxKeys: 3 }),
);
const nonIntegerNumber = fc
  .double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
  .filter((n) => !Number.isInteger(n));
const numericLookingString = fc.constantFrom(
  '5',
  '29',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e3',
  '0x10',
  '',
  ' 5',
  '5 ',
  '٥',
  '1_000',
  '3600',
);
const beyondInt32 = fc.oneof(
  fc.integer({ min: INT32.max + 1, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: INT32.min - 1 }),
  fc.constantFrom(2 ** 53, -(2 ** 53), 1e21, -1e21, 1.7976931348623157e308),
);

/** Values that are not a member of `field`'s enum: look-alikes, other enums' members, junk, lists. */
export function badEnumValue(field: EnumField): fc.Arbitrary<unknown> {
  const names: readonly string[] = ENUMS[field];
  const lookalikes = [
    'p720',
    '720p',
    '1080p',
    '480p',
    'P 720',
    'P720 ',
    ' P720',
    '16:9',
    'ratio_16_9',
    'adaptive',
    'flex',
    'default',
    'Default',
    'P720\u0000',
    '',
  ];
  const otherEnums = Object.values(ENUMS).flat();
  return fc.oneof(
    fc.constantFrom(...lookalikes, ...otherEnums).filter((v) => !names.includes(v)),
    fc.string({ maxLength: 20 }).filter((v) => !names.includes(v)),
    fc.nat({ max: 200_000 }).map((n) => repeatedText('X', n + 1)),
    nonString,
    fc.constant(names.slice(0, 2)), // a list where one value is expected
  );
}

/** Values GraphQL's Int refuses: non-integers, strings, booleans, lists, beyond 32 bits. */
export function badIntValue(): fc.Arbitrary<unknown> {
  return fc.oneof(nonIntegerNumber, beyondInt32, numericLookingString, fc.boolean(), fc.constant([5]));
}

/** Out of the documented range but a well-typed Int (so the domain, not GraphQL, refuses it). */
export function outOfDomainInt(field: keyof typeof INT_DOMAIN): fc.Arbitrary<number> {
  const boundaries = {
    duration: [0, 1, 13, -1],
    frames: [0, 25, 27, 28, 30, 31, 288, 290, 293],
    executionExpiresAfter: [0, 3599, 259201],
  }[field];
  return fc.oneof(
    fc.constantFrom(...boundaries),
    fc.integer(INT32).filter((n) => !INT_DOMAIN[field](n)),
  );
}

/** Seeds outside -1..4294967295, or not integers at all. */
export const badSeed = fc.oneof(
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -2 }),
  fc.integer({ min: 4294967296, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(-2, 4294967296, 2 ** 53, -(2 ** 53), 1e21),
  nonIntegerNumber,
  numericLookingString,
  fc.boolean(),
);

/** Values GraphQL's Boolean refuses. */
export const badBoolean = fc.oneof(
  fc.constantFrom('true', 'false', '', 'yes', 0, 1, -1, 'TRUE'),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.constant([true]),
  fc.constant({}),
);

/** Unknown field names, including the ones that are special to JavaScript objects. */
export const unknownKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'Prompt',
    'PROMPT',
    'idempotencyKey',
    'mode',
    'image_url',
    '',
    ' prompt',
  ),
  fc.string({ maxLength: 12 }),
);
