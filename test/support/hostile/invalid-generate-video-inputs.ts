import fc from 'fast-check';
import { FIELD_NAMES, INT_FIELDS, MODES, type EnumField } from './generate-video-input-shape';
import { modeOf, replaceImage, withBody, withOption, withOwnKey } from './generate-video-input-edits';
import {
  badBoolean,
  badEnumValue,
  badIntValue,
  badSeed,
  nonString,
  outOfDomainInt,
  unknownKey,
} from './invalid-field-values';
import { badImageString } from './invalid-image-strings';
import { isObject } from './plain-object';
import { blankPrompt, tooLongPrompt } from './prompt-texts';
import {
  imageModeInput,
  validFirstFrame,
  validFirstLast,
  validImage,
  validInput,
  validReferenceImages,
  validT2V,
} from './valid-generate-video-inputs';

/** A valid input, an unknown field name and a value to put under it. */
const unknownField = fc.tuple(validInput, unknownKey, fc.jsonValue({ maxDepth: 1 }));
/** The same, with a name the input defines at no level. */
const undefinedFieldName = unknownField.filter(([_input, key]) => !FIELD_NAMES.includes(key));

/**
 * `generateVideo` inputs that break at least one documented or schema rule: they must never be
 * submitted. Weighted towards what only the domain validation can refuse (typed right, valued
 * wrong), since GraphQL's own coercion already stops everything typed wrong.
 */
export const definitelyInvalidInput: fc.Arbitrary<unknown> = fc.oneof(
  // @oneOf: two modes at once, or none.
  {
    weight: 1,
    arbitrary: fc
      .tuple(validInput, validInput)
      .filter(([a, b]) => modeOf(a) !== modeOf(b))
      .map(([a, b]) => ({ ...a, ...b })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(validInput, fc.constantFrom(...MODES))
      .filter(([a, mode]) => modeOf(a) !== mode)
      .map(([a, mode]) => ({ ...a, [mode]: null })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      {},
      { textToVideo: null },
      { firstFrame: null },
      { firstLastFrame: null },
      { referenceImages: null },
      [],
      null,
    ),
  },
  // Enum values that are not members.
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<EnumField>('resolution', 'ratio', 'serviceTier')
      .chain((field) =>
        fc.tuple(validInput, badEnumValue(field)).map(([input, value]) => withOption(input, field, value)),
      ),
  },
  // Integers out of range (the domain refuses them) ...
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(...INT_FIELDS)
      .chain((field) =>
        fc.tuple(validInput, outOfDomainInt(field)).map(([input, value]) => withOption(input, field, value)),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        validInput,
        fc.oneof(
          fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -2 }),
          fc.integer({ min: 4294967296, max: Number.MAX_SAFE_INTEGER }),
        ),
      )
      .map(([input, seed]) => withOption(input, 'seed', seed)),
  },
  // ... and non-integers, numbers as strings, beyond 32 bits (GraphQL refuses them).
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...INT_FIELDS)
      .chain((field) => fc.tuple(validInput, badIntValue()).map(([input, value]) => withOption(input, field, value))),
  },
  { weight: 1, arbitrary: fc.tuple(validInput, badSeed).map(([input, value]) => withOption(input, 'seed', value)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(validInput, fc.constantFrom('cameraFixed', 'watermark', 'returnLastFrame'), badBoolean)
      .map(([input, field, value]) => withOption(input, field, value)),
  },
  // Options a mode does not support.
  { weight: 1, arbitrary: validT2V.map((input) => withOption(input, 'ratio', 'ADAPTIVE')) },
  { weight: 1, arbitrary: validReferenceImages.map((input) => withOption(input, 'ratio', 'ADAPTIVE')) },
  { weight: 1, arbitrary: validReferenceImages.map((input) => withOption(input, 'resolution', 'P1080')) },
  { weight: 1, arbitrary: validReferenceImages.map((input) => withOption(input, 'cameraFixed', true)) },
  // Text-to-video without a usable prompt.
  {
    weight: 2,
    arbitrary: fc
      .tuple(validT2V, blankPrompt)
      .map(([input, prompt]) => withBody(input, (body) => ({ ...body, prompt }))),
  },
  { weight: 1, arbitrary: validT2V.map((input) => withBody(input, ({ prompt: _prompt, ...body }) => body)) },
  { weight: 1, arbitrary: validT2V.map((input) => withBody(input, (body) => ({ ...body, prompt: null }))) },
  // A prompt over MAX_PROMPT_CHARS, in any mode.
  {
    weight: 1,
    arbitrary: fc
      .tuple(validInput, tooLongPrompt)
      .map(([input, prompt]) => withBody(input, (body) => ({ ...body, prompt }))),
  },
  // Wrong types and missing required fields.
  {
    weight: 1,
    arbitrary: fc
      .tuple(validInput, nonString)
      .map(([input, prompt]) => withBody(input, (body) => ({ ...body, prompt }))),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(imageModeInput, nonString, fc.nat())
      .map(([input, image, pick]) => replaceImage(input, image, pick)),
  },
  { weight: 1, arbitrary: fc.tuple(imageModeInput, fc.nat()).map(([input, pick]) => replaceImage(input, null, pick)) },
  { weight: 1, arbitrary: validFirstFrame.map((input) => withBody(input, ({ image: _image, ...body }) => body)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(validFirstLast, fc.boolean())
      .map(([input, first]) =>
        withBody(input, ({ firstFrame, lastFrame, ...body }) =>
          first ? { ...body, lastFrame } : { ...body, firstFrame },
        ),
      ),
  },
  {
    weight: 1,
    arbitrary: validReferenceImages.map((input) => withBody(input, ({ images: _images, ...body }) => body)),
  },
  // Images the docs refuse.
  {
    weight: 8,
    arbitrary: fc
      .tuple(imageModeInput, badImageString, fc.nat())
      .map(([input, image, pick]) => replaceImage(input, image, pick)),
  },
  // Reference images: none, or more than four (1..4 are in validInput).
  {
    weight: 2,
    arbitrary: fc
      .tuple(validReferenceImages, fc.oneof(fc.constant(0), fc.integer({ min: 5, max: 6 })), validImage)
      .map(([input, count, image]) =>
        withBody(input, (body) => ({ ...body, images: Array.from({ length: count }, () => image) })),
      ),
  },
  // Fields the schema does not define, at every level.
  {
    weight: 1,
    arbitrary: unknownField
      .filter(([input, key]) => !Object.keys(input).includes(key))
      .map(([input, key, value]) => withOwnKey(input, key, value)),
  },
  {
    weight: 1,
    arbitrary: undefinedFieldName.map(([input, key, value]) => withBody(input, (body) => withOwnKey(body, key, value))),
  },
  {
    weight: 1,
    arbitrary: undefinedFieldName.map(([input, key, value]) =>
      withBody(input, (body) => ({
        ...body,
        options: withOwnKey(isObject(body.options) ? body.options : {}, key, value),
      })),
    ),
  },
  // A mode or its options that is not an object. (graphql-js reads an empty list as an empty
  // input object, so `options: []` is accepted: only non-empty lists are refused.)
  {
    weight: 1,
    arbitrary: fc
      .tuple(validInput, fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(['x'])))
      .map(([input, value]) => ({ [modeOf(input)]: value })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        validInput,
        fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant([{ resolution: 'P720' }])),
      )
      .map(([input, options]) => withBody(input, (body) => ({ ...body, options }))),
  },
);
