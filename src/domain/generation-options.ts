/**
 * Generation parameters as the Spark Dance docs define them: closed sets, ranges and defaults.
 * Enum values are the upstream wire values ("720p", "16:9", "flex").
 */

/** Output resolution. */
export enum VideoResolution {
  P480 = '480p',
  P720 = '720p',
  P1080 = '1080p',
}

/** Output aspect ratio; ADAPTIVE (follow the input image) exists only for first-frame modes. */
export enum AspectRatio {
  RATIO_16_9 = '16:9',
  RATIO_4_3 = '4:3',
  RATIO_1_1 = '1:1',
  RATIO_3_4 = '3:4',
  RATIO_9_16 = '9:16',
  RATIO_21_9 = '21:9',
  ADAPTIVE = 'adaptive',
}

/** `default` is online inference; `flex` is cheaper offline inference that may take much longer. */
export enum ServiceTier {
  DEFAULT = 'default',
  FLEX = 'flex',
}

/** The documented ranges, in one place for validation, the simulator's docs and error messages. */
export const OPTION_LIMITS = {
  durationSeconds: { min: 2, max: 12, default: 5 },
  /** frames = 25 + 4n with n >= 1, within [29, 289]. */
  frames: { min: 29, max: 289, base: 25, step: 4 },
  framesPerSecond: 24,
  seed: { min: -1, max: 2 ** 32 - 1, default: -1 },
  executionExpiresAfterSeconds: { min: 3600, max: 259200, default: 172800 },
  /** The docs recommend at most this many prompt characters; longer prompts get a warning. */
  recommendedPromptLength: 500,
} as const;

/** Options as the caller sent them: every field optional, values unchecked. */
export interface GenerationOptionsInput {
  resolution?: VideoResolution | null;
  ratio?: AspectRatio | null;
  duration?: number | null;
  frames?: number | null;
  seed?: number | null;
  cameraFixed?: boolean | null;
  watermark?: boolean | null;
  returnLastFrame?: boolean | null;
  serviceTier?: ServiceTier | null;
  executionExpiresAfter?: number | null;
}

/** Options after validation and defaults: exactly what the upstream will be asked for. */
export interface ResolvedOptions {
  resolution: VideoResolution;
  ratio: AspectRatio;
  /** Whole seconds sent as `duration`; absent when `frames` decides the length. */
  duration: number | null;
  /** Sent as `frames` when the caller gave it (it wins over duration). */
  frames: number | null;
  /** The resulting length: duration, or frames / 24. */
  durationSeconds: number;
  seed: number;
  cameraFixed: boolean;
  watermark: boolean;
  returnLastFrame: boolean;
  serviceTier: ServiceTier;
  executionExpiresAfter: number;
}
