/**
 * The real shape of `generateVideo`'s input: names, ranges and per-mode rules, as
 * schema.graphql and src/domain/validation define them. The arbitraries build on these.
 */

/** The four modes of the `@oneOf` input. */
export type Mode = 'textToVideo' | 'firstFrame' | 'firstLastFrame' | 'referenceImages';
export const MODES: readonly Mode[] = ['textToVideo', 'firstFrame', 'firstLastFrame', 'referenceImages'];

/** A `generateVideo` input: one mode key holding that mode's body (or anything else, when hostile). */
export type GenerateVideoInput = Record<string, unknown>;

/** The members of the option enums. */
export const ENUMS = {
  resolution: ['P480', 'P720', 'P1080'],
  ratio: ['RATIO_16_9', 'RATIO_4_3', 'RATIO_1_1', 'RATIO_3_4', 'RATIO_9_16', 'RATIO_21_9', 'ADAPTIVE'],
  serviceTier: ['DEFAULT', 'FLEX'],
} as const;
/** An option whose value is an enum member. */
export type EnumField = keyof typeof ENUMS;
/** Every ratio but ADAPTIVE (which only the first-frame modes support). */
export const FIXED_RATIOS = ENUMS.ratio.filter((ratio) => ratio !== 'ADAPTIVE');

const OPTION_FIELDS = [
  'resolution',
  'ratio',
  'duration',
  'frames',
  'seed',
  'cameraFixed',
  'watermark',
  'returnLastFrame',
  'serviceTier',
  'executionExpiresAfter',
];
/** Every field name the input defines, at any level. */
export const FIELD_NAMES = [...MODES, 'prompt', 'options', 'image', 'images', 'lastFrame', ...OPTION_FIELDS];

const isValidFrames = (n: number): boolean => Number.isInteger(n) && n >= 29 && n <= 289 && (n - 25) % 4 === 0;
/** The documented domain of each Int option (GraphQL's Int is wider). */
export const INT_DOMAIN: Record<'duration' | 'frames' | 'executionExpiresAfter', (n: number) => boolean> = {
  duration: (n) => Number.isInteger(n) && n >= 2 && n <= 12,
  frames: isValidFrames,
  executionExpiresAfter: (n) => Number.isInteger(n) && n >= 3600 && n <= 259200,
};
/** The Int options with a documented domain. */
export const INT_FIELDS = ['duration', 'frames', 'executionExpiresAfter'] as const;
/** GraphQL's Int: a signed 32-bit integer. */
export const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** The pixel rules: each side in (300, 6000), width / height in (0.4, 2.5), all exclusive. */
export const validDimensions = (w: number, h: number): boolean =>
  w > 300 && w < 6000 && h > 300 && h < 6000 && 5 * w > 2 * h && 2 * w < 5 * h;
