/**
 * The closed sets of the Spark Dance wire format, as literal unions with their runtime lists.
 * Kept separate from the gateway's domain enums on purpose: the simulator plays the upstream
 * and must not share (and so silently agree with) the gateway's own reading of the docs.
 */

/** Model ids accepted by `POST /v1/video/generations`. */
export type SimModel = 'spark_dance_v1_0_lite_t2v' | 'spark_dance_v1_0_lite_i2v';
/** Every model id, for membership checks and messages. */
export const SIM_MODELS: readonly SimModel[] = ['spark_dance_v1_0_lite_t2v', 'spark_dance_v1_0_lite_i2v'];

/** Which documented error-code family a model belongs to (003004xxx or 003006xxx). */
export type ModelFamily = 't2v' | 'i2v';

/** The family of a model. */
export function familyOf(model: SimModel): ModelFamily {
  switch (model) {
    case 'spark_dance_v1_0_lite_t2v':
      return 't2v';
    case 'spark_dance_v1_0_lite_i2v':
      return 'i2v';
    default:
      return assertNever(model);
  }
}

/** Output resolutions. */
export type SimResolution = '480p' | '720p' | '1080p';
/** Every resolution, for membership checks and messages. */
export const SIM_RESOLUTIONS: readonly SimResolution[] = ['480p', '720p', '1080p'];

/** Output aspect ratios; `adaptive` (follow the input image) only exists for first-frame I2V modes. */
export type SimRatio = '16:9' | '4:3' | '1:1' | '3:4' | '9:16' | '21:9' | 'adaptive';
/** Every ratio, for membership checks and messages. */
export const SIM_RATIOS: readonly SimRatio[] = ['16:9', '4:3', '1:1', '3:4', '9:16', '21:9', 'adaptive'];

/** Service tiers: `flex` is slower and cheaper. */
export type SimServiceTier = 'default' | 'flex';
/** Every service tier, for membership checks and messages. */
export const SIM_SERVICE_TIERS: readonly SimServiceTier[] = ['default', 'flex'];

/** Roles of an `image_url` content item. */
export type SimImageRole = 'first_frame' | 'last_frame' | 'reference_image';
/** Every image role, for membership checks and messages. */
export const SIM_IMAGE_ROLES: readonly SimImageRole[] = ['first_frame', 'last_frame', 'reference_image'];

/** Image formats allowed in a `data:image/<format>;base64,` URL (lowercase, as documented). */
export type SimImageFormat = 'jpeg' | 'png' | 'webp' | 'bmp' | 'tiff' | 'gif';
/** Every data-URL image format, for membership checks and messages. */
export const SIM_IMAGE_FORMATS: readonly SimImageFormat[] = ['jpeg', 'png', 'webp', 'bmp', 'tiff', 'gif'];

/** How a create request uses its images; decided from the count and roles of `image_url` items. */
export type SimGenerationMode = 'text_to_video' | 'first_frame' | 'first_last_frame' | 'reference_images';

/** Task statuses on the wire. */
export type SimTaskStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'expired';
/** Every task status, for membership checks and messages. */
export const SIM_TASK_STATUSES: readonly SimTaskStatus[] = ['pending', 'processing', 'completed', 'failed', 'expired'];

/** Statuses after which nothing changes on its own. */
export type SimTerminalStatus = Extract<SimTaskStatus, 'completed' | 'failed' | 'expired'>;

/** Membership test that narrows an unknown value to a closed set. */
export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/** Compile-time exhaustiveness guard for switches over closed sets. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}

/** Documented parameter ranges (duplicated from the docs, not imported from the gateway). */
export const WIRE_LIMITS = {
  duration: { min: 2, max: 12, default: 5 },
  frames: { min: 29, max: 289, base: 25, step: 4 },
  fps: 24,
  seed: { min: -1, max: 2 ** 32 - 1 },
  executionExpiresAfter: { min: 3600, max: 259200, default: 172800 },
  referenceImages: { min: 1, max: 4 },
  /** "Size: less than 30 MB", read as MiB (the gateway reads it the same way). */
  maxImageBytes: 30 * 1024 * 1024,
} as const;
