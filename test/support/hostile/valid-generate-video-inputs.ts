import fc from 'fast-check';
import { TEST_IMAGE_FORMATS } from '../images';
import { ENUMS, FIXED_RATIOS, validDimensions, type GenerateVideoInput, type Mode } from './generate-video-input-shape';
import { ImageRecipe } from './image-recipe';
import { nonBlankPrompt, optionalPrompt } from './prompt-texts';

/**
 * `generateVideo` inputs the documentation accepts, mode by mode: every value inside the
 * documented ranges, the limits themselves included.
 */

const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null, freq: 6 });

/** Options within every documented range for `mode` (each field absent, null or valid). */
function validOptions(mode: Mode): fc.Arbitrary<Record<string, unknown>> {
  const imageMode = mode === 'firstFrame' || mode === 'firstLastFrame';
  return fc.record(
    {
      resolution: nullable(fc.constantFrom(...(mode === 'referenceImages' ? ['P480', 'P720'] : ENUMS.resolution))),
      ratio: nullable(fc.constantFrom(...(imageMode ? ENUMS.ratio : FIXED_RATIOS))),
      duration: nullable(fc.integer({ min: 2, max: 12 })),
      frames: nullable(fc.integer({ min: 1, max: 66 }).map((n) => 25 + 4 * n)),
      seed: nullable(fc.oneof(fc.constantFrom(-1, 0, 4294967295), fc.integer({ min: -1, max: 4294967295 }))),
      // The docs forbid camera_fixed with reference images; false is accepted (and not sent).
      cameraFixed: nullable(mode === 'referenceImages' ? fc.constant(false) : fc.boolean()),
      watermark: nullable(fc.boolean()),
      returnLastFrame: nullable(fc.boolean()),
      serviceTier: nullable(fc.constantFrom(...ENUMS.serviceTier)),
      executionExpiresAfter: nullable(fc.oneof(fc.constantFrom(3600, 259200), fc.integer({ min: 3600, max: 259200 }))),
    },
    { requiredKeys: [] },
  );
}
const optionsFor = (mode: Mode) => fc.option(validOptions(mode), { nil: null, freq: 8 });

const validDataImage = fc
  .record({
    format: fc.constantFrom(...TEST_IMAGE_FORMATS),
    width: fc.oneof(fc.constantFrom(301, 5999), fc.integer({ min: 301, max: 5999 })),
    height: fc.oneof(fc.constantFrom(301, 5999), fc.integer({ min: 301, max: 5999 })),
  })
  .filter(({ width, height }) => validDimensions(width, height))
  .map(({ format, width, height }) => new ImageRecipe(format, width, height));
const validHttpImage = fc.oneof(
  fc.webUrl({ validSchemes: ['https', 'http'] }),
  fc.constantFrom(
    'https://example.com/a.png',
    'HTTPS://EXAMPLE.COM/A.PNG',
    'http://example.org:8080/x.webp',
    'https://example.com/a.png?x=1#y',
    'https://例え.jp/画像.png',
  ),
);
/** An image the docs accept: a data URL of a real image of valid size, or an http(s) URL. */
export const validImage = fc.oneof(validDataImage, validHttpImage);

/** A valid text-to-video input. */
export const validT2V = fc
  .record({ prompt: nonBlankPrompt, options: optionsFor('textToVideo') }, { requiredKeys: ['prompt'] })
  .map((body): GenerateVideoInput => ({ textToVideo: body }));

/** A valid first-frame input. */
export const validFirstFrame = fc
  .record({ image: validImage, prompt: optionalPrompt, options: optionsFor('firstFrame') }, { requiredKeys: ['image'] })
  .map((body): GenerateVideoInput => ({ firstFrame: body }));

/** A valid first-and-last-frame input. */
export const validFirstLast = fc
  .record(
    {
      // The same picture twice is allowed.
      frames: fc.oneof(
        fc.tuple(validImage, validImage),
        validImage.map((image) => [image, image] as const),
      ),
      prompt: optionalPrompt,
      options: optionsFor('firstLastFrame'),
    },
    { requiredKeys: ['frames'] },
  )
  .map(({ frames: [firstFrame, lastFrame], ...rest }): GenerateVideoInput => ({
    firstLastFrame: { firstFrame, lastFrame, ...rest },
  }));

/** A valid reference-images input (one to four images). */
export const validReferenceImages = fc
  .record(
    {
      images: fc.oneof(
        fc.array(validImage, { minLength: 1, maxLength: 4 }),
        validImage.map((image) => [image, image, image, image]), // duplicates
        validImage, // a single value: GraphQL list coercion makes it a one-image list
      ),
      prompt: optionalPrompt,
      options: optionsFor('referenceImages'),
    },
    { requiredKeys: ['images'] },
  )
  .map((body): GenerateVideoInput => ({ referenceImages: body }));

/** Inputs the documentation accepts (text-to-video most of the time). */
export const validInput = fc.oneof(
  { arbitrary: validT2V, weight: 4 },
  { arbitrary: validFirstFrame, weight: 1 },
  { arbitrary: validFirstLast, weight: 1 },
  { arbitrary: validReferenceImages, weight: 1 },
);

/** A valid input of one of the three modes that carry images. */
export const imageModeInput = fc.oneof(validFirstFrame, validFirstLast, validReferenceImages);
