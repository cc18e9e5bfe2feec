/**
 * The simulator's price list. The real API publishes no token formula or prices in the docs
 * we have, so these numbers are invented but fixed, so that tests can assert exact costs.
 *
 * | resolution | USD per 1M output tokens (default tier) | flex tier |
 * |------------|------------------------------------------|-----------|
 * | 480p       | 1.2                                      | 0.6       |
 * | 720p       | 1.8                                      | 0.9       |
 * | 1080p      | 2.4                                      | 1.2       |
 *
 * - output tokens = floor(width * height * 24 * seconds / 1024), with (width, height) from
 *   {@link FRAME_SIZES} and seconds = frames / 24 when `frames` was given, else `duration`
 *   (default 5). So 720p 16:9 for 5 s = 108000 tokens = "0.1944" USD.
 * - input tokens = 0 for T2V, {@link INPUT_TOKENS_PER_IMAGE} per input image for I2V; they
 *   are reported but not billed.
 * - `discount` is 0 on the default tier; on flex it is the amount saved against the default
 *   price (so cost + discount is always the default-tier price).
 *
 * Money is computed in pico-dollars (10^-12 USD) with BigInt: every price above is a whole
 * number of micro-dollars per million tokens, so tokens * price is exact in pico-dollars.
 */
import { assertNever, WIRE_LIMITS, type SimRatio, type SimResolution, type SimServiceTier } from './wire-values';

/** Pixel size of a frame. */
export interface FrameSize {
  width: number;
  height: number;
}

type FixedRatio = Exclude<SimRatio, 'adaptive'>;

/** Frame sizes per resolution and ratio; the short side is the resolution's line count. */
export const FRAME_SIZES: Readonly<Record<SimResolution, Readonly<Record<FixedRatio, FrameSize>>>> = {
  '480p': {
    '16:9': { width: 854, height: 480 },
    '4:3': { width: 640, height: 480 },
    '1:1': { width: 480, height: 480 },
    '3:4': { width: 480, height: 640 },
    '9:16': { width: 480, height: 854 },
    '21:9': { width: 1120, height: 480 },
  },
  '720p': {
    '16:9': { width: 1280, height: 720 },
    '4:3': { width: 960, height: 720 },
    '1:1': { width: 720, height: 720 },
    '3:4': { width: 720, height: 960 },
    '9:16': { width: 720, height: 1280 },
    '21:9': { width: 1680, height: 720 },
  },
  '1080p': {
    '16:9': { width: 1920, height: 1080 },
    '4:3': { width: 1440, height: 1080 },
    '1:1': { width: 1080, height: 1080 },
    '3:4': { width: 1080, height: 1440 },
    '9:16': { width: 1080, height: 1920 },
    '21:9': { width: 2520, height: 1080 },
  },
};

/** Price of one million output tokens on the default tier, in micro-dollars. */
export const MICRO_USD_PER_MILLION_OUTPUT_TOKENS: Readonly<Record<SimResolution, bigint>> = {
  '480p': 1_200_000n,
  '720p': 1_800_000n,
  '1080p': 2_400_000n,
};

/** Input tokens charged per input image (I2V); T2V has none. */
export const INPUT_TOKENS_PER_IMAGE = 1000;

/** Pico-dollar (10^-12 USD) digits after the decimal point. */
const PICO_DIGITS = 12;

/**
 * The ratio a frame size is computed for. `adaptive` follows the input image, which the
 * simulator does not decode, so it is priced and reported as 16:9.
 */
export function resolvedRatio(ratio: SimRatio): FixedRatio {
  switch (ratio) {
    case 'adaptive':
      return '16:9';
    case '16:9':
    case '4:3':
    case '1:1':
    case '3:4':
    case '9:16':
    case '21:9':
      return ratio;
    default:
      return assertNever(ratio);
  }
}

/** Frame size for a resolution and (possibly adaptive) ratio. */
export function frameSize(resolution: SimResolution, ratio: SimRatio): FrameSize {
  return FRAME_SIZES[resolution][resolvedRatio(ratio)];
}

/** What determines a task's price. */
export interface PricingInput {
  resolution: SimResolution;
  ratio: SimRatio;
  /** Wins over duration when not null. */
  frames: number | null;
  /** Whole seconds; the documented default 5 applies when null. */
  duration: number | null;
  serviceTier: SimServiceTier;
  /** Number of input images (0 for T2V). */
  imageCount: number;
}

/** The `usage` object of a completed task, as on the wire. */
export interface SimUsage {
  /** Plain decimal USD, e.g. "0.1944". */
  cost: string;
  discount: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  generated_videos: number;
}

/** Frames of the generated video: as requested, else duration * 24. */
export function frameCount(input: Pick<PricingInput, 'frames' | 'duration'>): number {
  return input.frames ?? (input.duration ?? WIRE_LIMITS.duration.default) * WIRE_LIMITS.fps;
}

/** Output tokens: floor(width * height * 24 * seconds / 1024), i.e. floor(w * h * frames / 1024). */
export function outputTokens(input: Pick<PricingInput, 'resolution' | 'ratio' | 'frames' | 'duration'>): number {
  const { width, height } = frameSize(input.resolution, input.ratio);
  return Number((BigInt(width) * BigInt(height) * BigInt(frameCount(input))) / 1024n);
}

/** Usage and cost of a task that completed. */
export function computeUsage(input: PricingInput): SimUsage {
  const output = outputTokens(input);
  const inputTokens = input.imageCount * INPUT_TOKENS_PER_IMAGE;
  const fullPico = BigInt(output) * MICRO_USD_PER_MILLION_OUTPUT_TOKENS[input.resolution];
  const costPico = tierPrice(fullPico, input.serviceTier);
  return {
    cost: formatPicoUsd(costPico),
    discount: Number(formatPicoUsd(fullPico - costPico)),
    input_tokens: inputTokens,
    output_tokens: output,
    total_tokens: inputTokens + output,
    generated_videos: 1,
  };
}

function tierPrice(fullPico: bigint, tier: SimServiceTier): bigint {
  switch (tier) {
    case 'default':
      return fullPico;
    case 'flex':
      // Exact: every listed price is an even number of micro-dollars.
      return fullPico / 2n;
    default:
      return assertNever(tier);
  }
}

/** Renders pico-dollars as a plain decimal string without exponent or trailing zeros ("0.1944", "3"). */
export function formatPicoUsd(pico: bigint): string {
  const negative = pico < 0n;
  const digits = (negative ? -pico : pico).toString().padStart(PICO_DIGITS + 1, '0');
  const whole = digits.slice(0, -PICO_DIGITS);
  const fraction = digits.slice(-PICO_DIGITS).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
