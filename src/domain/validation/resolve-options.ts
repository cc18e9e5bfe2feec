/**
 * Generation options: every documented range and per-mode restriction, then the defaults.
 *
 * Values are checked even though the GraphQL layer already types them: the domain must not
 * trust its callers (tests, the simulator, future transports) to send only enum members or
 * integers, and the messages here are the ones a frontend developer actually reads.
 */
import { isValidFrameCount, neighbouringFrameCounts } from '../frames';
import { GenerationMode } from '../generation-mode';
import {
  AspectRatio,
  OPTION_LIMITS,
  ServiceTier,
  VideoResolution,
  type GenerationOptionsInput,
  type ResolvedOptions,
} from '../generation-options';
import { InputIssueCode, type InputIssue } from '../input-issue';
import { describeValue } from './describe';

/** The outcome of {@link resolveOptions}: the resolved options with warnings, or every issue. */
export type OptionsResolution =
  { ok: true; options: ResolvedOptions; warnings: string[] } | { ok: false; issues: InputIssue[] };

/**
 * Where the modes differ, per the docs: the T2V page lists no adaptive ratio; the I2V page
 * defaults to adaptive but restricts reference images.
 */
export interface ModeOptionRules {
  /** The ratio used when the caller gives none. */
  defaultRatio: AspectRatio;
  /** Whether `adaptive` (follow the input image) may be asked for. */
  adaptiveRatioAllowed: boolean;
  /** Whether 1080p may be asked for. */
  resolution1080pAllowed: boolean;
  /** Whether `cameraFixed: true` may be asked for (false is always accepted). */
  cameraFixedAllowed: boolean;
}

/** Per-mode option rules; documented reason beside each restriction. */
export const MODE_OPTION_RULES: Readonly<Record<GenerationMode, Readonly<ModeOptionRules>>> = {
  // T2V: ratio options are the six fixed ratios, no adaptive; default 16:9.
  [GenerationMode.TEXT_TO_VIDEO]: {
    defaultRatio: AspectRatio.RATIO_16_9,
    adaptiveRatioAllowed: false,
    resolution1080pAllowed: true,
    cameraFixedAllowed: true,
  },
  // I2V: default ratio is adaptive (follow the first frame).
  [GenerationMode.FIRST_FRAME]: {
    defaultRatio: AspectRatio.ADAPTIVE,
    adaptiveRatioAllowed: true,
    resolution1080pAllowed: true,
    cameraFixedAllowed: true,
  },
  [GenerationMode.FIRST_LAST_FRAME]: {
    defaultRatio: AspectRatio.ADAPTIVE,
    adaptiveRatioAllowed: true,
    resolution1080pAllowed: true,
    cameraFixedAllowed: true,
  },
  // I2V reference images: "does not support 1080p", "does not support adaptive" (default 16:9),
  // and camera_fixed "does not support this parameter".
  [GenerationMode.REFERENCE_IMAGES]: {
    defaultRatio: AspectRatio.RATIO_16_9,
    adaptiveRatioAllowed: false,
    resolution1080pAllowed: false,
    cameraFixedAllowed: false,
  },
};

const RESOLUTIONS = new Set<unknown>(Object.values(VideoResolution));
const RATIOS = new Set<unknown>(Object.values(AspectRatio));
const SERVICE_TIERS = new Set<unknown>(Object.values(ServiceTier));

const MODE_NAMES: Record<GenerationMode, string> = {
  [GenerationMode.TEXT_TO_VIDEO]: 'text-to-video',
  [GenerationMode.FIRST_FRAME]: 'first-frame',
  [GenerationMode.FIRST_LAST_FRAME]: 'first-and-last-frame',
  [GenerationMode.REFERENCE_IMAGES]: 'reference-images',
};

const isIntegerIn = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

const given = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

/**
 * Checks the caller's options for `mode` and fills in the documented defaults. Every problem
 * is reported (path `["options", <field>]`), not only the first. A value that is given but
 * later overridden (duration next to frames) is still checked, so a wrong value never passes
 * silently.
 */
export function resolveOptions(
  mode: GenerationMode,
  input: GenerationOptionsInput | null | undefined,
): OptionsResolution {
  const options = input ?? {};
  const rules = MODE_OPTION_RULES[mode];
  const modeName = MODE_NAMES[mode];
  const issues: InputIssue[] = [];
  const warnings: string[] = [];
  const report = (field: keyof GenerationOptionsInput, code: InputIssueCode, message: string): void => {
    issues.push({ path: ['options', field], code, message });
  };

  const {
    resolution = null,
    ratio = null,
    duration = null,
    frames = null,
    seed = null,
    executionExpiresAfter = null,
    serviceTier = null,
  } = options;

  if (given(resolution)) {
    if (!RESOLUTIONS.has(resolution)) {
      report(
        'resolution',
        InputIssueCode.INVALID_RESOLUTION,
        `Unknown resolution ${describeValue(resolution)}; use one of ${[...RESOLUTIONS].join(', ')}.`,
      );
    } else if (resolution === VideoResolution.P1080 && !rules.resolution1080pAllowed) {
      report(
        'resolution',
        InputIssueCode.INVALID_RESOLUTION,
        `Resolution 1080p is not supported in ${modeName} mode; use 480p or 720p.`,
      );
    }
  }

  if (given(ratio)) {
    if (!RATIOS.has(ratio)) {
      report(
        'ratio',
        InputIssueCode.INVALID_RATIO,
        `Unknown aspect ratio ${describeValue(ratio)}; use one of ${[...RATIOS].join(', ')}.`,
      );
    } else if (ratio === AspectRatio.ADAPTIVE && !rules.adaptiveRatioAllowed) {
      report(
        'ratio',
        InputIssueCode.INVALID_RATIO,
        `Aspect ratio "adaptive" is not supported in ${modeName} mode; ` +
          'choose a fixed ratio such as 16:9 (the default).',
      );
    }
  }

  const durationLimits = OPTION_LIMITS.durationSeconds;
  const durationValid = given(duration) && isIntegerIn(duration, durationLimits.min, durationLimits.max);
  if (given(duration) && !durationValid) {
    report(
      'duration',
      InputIssueCode.INVALID_DURATION,
      `duration must be a whole number of seconds from ${durationLimits.min} to ${durationLimits.max}, got ` +
        `${describeValue(duration)}. For fractional lengths use frames.`,
    );
  }

  const framesValid = given(frames) && isValidFrameCount(frames);
  if (given(frames) && !framesValid) {
    report('frames', InputIssueCode.INVALID_FRAMES, framesMessage(frames));
  }

  const seedLimits = OPTION_LIMITS.seed;
  if (given(seed) && !isIntegerIn(seed, seedLimits.min, seedLimits.max)) {
    report(
      'seed',
      InputIssueCode.INVALID_SEED,
      `seed must be an integer from ${seedLimits.min} (random) to ${seedLimits.max}, got ${describeValue(seed)}.`,
    );
  }

  const expiresLimits = OPTION_LIMITS.executionExpiresAfterSeconds;
  if (given(executionExpiresAfter) && !isIntegerIn(executionExpiresAfter, expiresLimits.min, expiresLimits.max)) {
    report(
      'executionExpiresAfter',
      InputIssueCode.INVALID_EXECUTION_EXPIRES_AFTER,
      `executionExpiresAfter must be a whole number of seconds from ${expiresLimits.min} (1 hour) to ` +
        `${expiresLimits.max} (72 hours), got ${describeValue(executionExpiresAfter)}.`,
    );
  }

  if (options.cameraFixed === true && !rules.cameraFixedAllowed) {
    report(
      'cameraFixed',
      InputIssueCode.UNSUPPORTED_OPTION,
      `cameraFixed is not supported in ${modeName} mode; leave it unset or false.`,
    );
  }

  // There is no dedicated code for the service tier; an unknown one is an option the
  // upstream does not support.
  if (given(serviceTier) && !SERVICE_TIERS.has(serviceTier)) {
    report(
      'serviceTier',
      InputIssueCode.UNSUPPORTED_OPTION,
      `Unknown service tier ${describeValue(serviceTier)}; use one of ${[...SERVICE_TIERS].join(', ')}.`,
    );
  }

  if (issues.length > 0) return { ok: false, issues };

  // Frames wins over duration (docs: "frames takes priority"), so only one of them is sent.
  let length: Pick<ResolvedOptions, 'duration' | 'frames' | 'durationSeconds'>;
  if (framesValid) {
    length = { duration: null, frames, durationSeconds: frames / OPTION_LIMITS.framesPerSecond };
    if (durationValid) {
      warnings.push(
        `duration (${duration} s) was ignored because frames takes priority: the video will be ${frames} frames = ` +
          `${formatSeconds(length.durationSeconds)} s.`,
      );
    }
  } else {
    const seconds = durationValid ? duration : durationLimits.default;
    length = { duration: seconds, frames: null, durationSeconds: seconds };
  }

  return {
    ok: true,
    warnings,
    options: {
      resolution: given(resolution) ? resolution : VideoResolution.P720,
      ratio: given(ratio) ? ratio : rules.defaultRatio,
      ...length,
      seed: given(seed) ? seed : seedLimits.default,
      // Booleans default to false; only a real `true` turns one on.
      cameraFixed: options.cameraFixed === true,
      watermark: options.watermark === true,
      returnLastFrame: options.returnLastFrame === true,
      serviceTier: given(serviceTier) ? serviceTier : ServiceTier.DEFAULT,
      executionExpiresAfter: given(executionExpiresAfter) ? executionExpiresAfter : expiresLimits.default,
    },
  };
}

/** An INVALID_FRAMES message that names the valid values nearest to what was sent. */
function framesMessage(frames: unknown): string {
  const { min, max, base, step } = OPTION_LIMITS.frames;
  const rule =
    `frames must be ${base} + ${step}n (n >= 1) within ${min}..${max}, e.g. ${min}, ${min + step}, ..., ` + `${max}`;
  if (typeof frames !== 'number' || !Number.isFinite(frames)) return `${rule}; got ${describeValue(frames)}.`;
  const { below, above } = neighbouringFrameCounts(frames);
  const nearest = [below, above].filter((n): n is number => n !== null);
  return `${rule}; got ${describeValue(frames)}. Nearest valid: ${nearest.join(' or ')}.`;
}

/** Seconds for a message: at most three decimals, no trailing zeros (2.375, 5). */
const formatSeconds = (seconds: number): string => String(Math.round(seconds * 1000) / 1000);
