import fc from 'fast-check';
import { FIELD_NAMES, MODES, type GenerateVideoInput } from './generate-video-input-shape';
import { definitelyInvalidInput } from './invalid-generate-video-inputs';
import { nonString } from './invalid-field-values';
import { repeatedText } from './lazy-string';
import { trickyChar } from './prompt-texts';
import { validInput } from './valid-generate-video-inputs';

/**
 * The `variables` of one `generateVideo` request ($input and $key), in three kinds: random
 * JSON, inputs that break a rule, and valid inputs.
 */

/** Keys of the arbitrary objects: the real field names half of the time. */
export const fieldOrRandomKey = fc.oneof(
  fc.constantFrom(...FIELD_NAMES, '__proto__', 'constructor', '__typename'),
  fc.string({ maxLength: 12 }),
);

/** Random JSON where `$input` goes, from junk to the right keys with junk inside. */
export const arbitraryInput: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.object({ key: fieldOrRandomKey, maxDepth: 4, maxKeys: 5 }),
  fc.dictionary(fc.constantFrom(...MODES), fc.object({ key: fieldOrRandomKey, maxDepth: 3, maxKeys: 5 }), {
    minKeys: 1,
    maxKeys: 2,
  }),
);

/** Idempotency keys of every kind, valid or not (control characters, empty, huge, non-strings). */
export const anyIdempotencyKey: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: trickyChar, maxLength: 40 }),
  fc.nat({ max: 200_000 }).map((n) => repeatedText('k', n)),
  fc.constantFrom('k'.repeat(255), 'k'.repeat(256)),
  nonString,
);

/**
 * One request's variables: `arbitrary` and `invalid` ones are sent as they are; a `valid` input
 * is sent under a key made unique per run (`keySuffix` appended), or without a key.
 */
export type GenerateVideoEntry =
  | { kind: 'arbitrary' | 'invalid'; variables: unknown }
  | { kind: 'valid'; input: GenerateVideoInput; keySuffix: string | null };

/** Random variables: random JSON input and key, or `variables` itself of any JSON type. */
export const arbitraryEntry: fc.Arbitrary<GenerateVideoEntry> = fc
  .oneof(
    { arbitrary: fc.record({ input: arbitraryInput, key: anyIdempotencyKey }, { requiredKeys: [] }), weight: 8 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 }, // `variables` itself of any JSON type
    {
      arbitrary: fc.object({ key: fc.constantFrom('input', 'key', '__proto__', 'idempotencyKey'), maxDepth: 3 }),
      weight: 1,
    },
  )
  .map((variables) => ({ kind: 'arbitrary', variables }));

/** An input that breaks a rule, mostly without a key: a refused key would hide what the domain makes of the input. */
export const invalidEntry: fc.Arbitrary<GenerateVideoEntry> = fc
  .tuple(
    definitelyInvalidInput,
    fc.oneof({ arbitrary: fc.constant(undefined), weight: 7 }, { arbitrary: anyIdempotencyKey, weight: 3 }),
  )
  .map(([input, key]) => ({ kind: 'invalid', variables: { input, key } }));

/** A valid input under a key that is itself valid (the key gets a unique prefix when sent). */
export const validEntry: fc.Arbitrary<GenerateVideoEntry> = fc
  .record({ input: validInput, keySuffix: fc.option(fc.stringMatching(/^[A-Za-z0-9._:~-]{0,24}$/), { nil: null }) })
  .map(({ input, keySuffix }) => ({ kind: 'valid', input, keySuffix }));
