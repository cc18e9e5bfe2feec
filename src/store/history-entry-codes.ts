import { GenerationMode, VideoModel } from '../domain/generation-mode';
import { ServiceTier, VideoResolution } from '../domain/generation-options';
import { VideoTaskStatus } from '../domain/task-status';

/**
 * Fixed small-integer codes of the enum values a history entry stores, packed into one
 * number per entry so that chunks stay small (they are parsed on every page). The codes are
 * part of the stored format: they are spelled out here, never derived from the order of an
 * enum's declaration, so reordering or extending an enum cannot change what stored data means.
 * Adding a value means adding a code (the switches are exhaustive, so the compiler asks).
 */

/** The part of a history entry that is packed. */
export interface PackedFacts {
  status: VideoTaskStatus;
  mode: GenerationMode;
  model: VideoModel;
  resolution: VideoResolution;
  serviceTier: ServiceTier;
}

function statusCode(status: VideoTaskStatus): number {
  switch (status) {
    case VideoTaskStatus.QUEUED:
      return 0;
    case VideoTaskStatus.RUNNING:
      return 1;
    case VideoTaskStatus.SUCCEEDED:
      return 2;
    case VideoTaskStatus.FAILED:
      return 3;
    case VideoTaskStatus.EXPIRED:
      return 4;
    case VideoTaskStatus.SUBMITTING:
      return 5;
    case VideoTaskStatus.OUTCOME_UNKNOWN:
      return 6;
  }
}

function modeCode(mode: GenerationMode): number {
  switch (mode) {
    case GenerationMode.TEXT_TO_VIDEO:
      return 0;
    case GenerationMode.FIRST_FRAME:
      return 1;
    case GenerationMode.FIRST_LAST_FRAME:
      return 2;
    case GenerationMode.REFERENCE_IMAGES:
      return 3;
  }
}

function modelCode(model: VideoModel): number {
  switch (model) {
    case VideoModel.SPARK_DANCE_V1_0_LITE_T2V:
      return 0;
    case VideoModel.SPARK_DANCE_V1_0_LITE_I2V:
      return 1;
  }
}

function resolutionCode(resolution: VideoResolution): number {
  switch (resolution) {
    case VideoResolution.P480:
      return 0;
    case VideoResolution.P720:
      return 1;
    case VideoResolution.P1080:
      return 2;
  }
}

function tierCode(tier: ServiceTier): number {
  switch (tier) {
    case ServiceTier.DEFAULT:
      return 0;
    case ServiceTier.FLEX:
      return 1;
  }
}

/** The value of each code of one field (the inverse of its code switch). */
function table<T extends string>(values: readonly T[], code: (value: T) => number): { byCode: Map<number, T> } {
  const byCode = new Map<number, T>();
  for (const value of values) byCode.set(code(value), value);
  return { byCode };
}
const STATUS = table(Object.values(VideoTaskStatus), statusCode);
const MODE = table(Object.values(GenerationMode), modeCode);
const MODEL = table(Object.values(VideoModel), modelCode);
const RESOLUTION = table(Object.values(VideoResolution), resolutionCode);
const TIER = table(Object.values(ServiceTier), tierCode);

// Slot widths: status 3 bits, mode 3, model 2, resolution 2, tier 2 (room to grow in each).
const MODE_SHIFT = 8;
const MODEL_SHIFT = 64;
const RESOLUTION_SHIFT = 256;
const TIER_SHIFT = 1024;
/** Exclusive upper bound of a packed value. */
export const PACKED_LIMIT = 4096;

/** The facts as one integer in [0, {@link PACKED_LIMIT}). */
export function packFacts(facts: PackedFacts): number {
  return (
    statusCode(facts.status) +
    modeCode(facts.mode) * MODE_SHIFT +
    modelCode(facts.model) * MODEL_SHIFT +
    resolutionCode(facts.resolution) * RESOLUTION_SHIFT +
    tierCode(facts.serviceTier) * TIER_SHIFT
  );
}

/** The same packed value with another status. */
export function withStatus(packed: number, status: VideoTaskStatus): number {
  return packed - (packed % MODE_SHIFT) + statusCode(status);
}

/** The status of a packed value (a hot path: no other field is decoded). */
export function packedStatus(packed: number): VideoTaskStatus | undefined {
  return STATUS.byCode.get(packed % MODE_SHIFT);
}

/** The mode of a packed value. */
export function packedMode(packed: number): GenerationMode | undefined {
  return MODE.byCode.get(Math.floor(packed / MODE_SHIFT) % (MODEL_SHIFT / MODE_SHIFT));
}

/** Decoded values by packed value, filled as met: there are at most {@link PACKED_LIMIT}. */
const UNPACKED: Array<Readonly<PackedFacts> | null | undefined> = [];

/**
 * The facts of a packed value, or undefined when it holds a code this version does not know.
 * The object is shared (frozen): copy it to change it.
 */
export function unpackFacts(packed: number): Readonly<PackedFacts> | undefined {
  if (!Number.isInteger(packed) || packed < 0 || packed >= PACKED_LIMIT) return undefined;
  let facts = UNPACKED[packed];
  if (facts === undefined) UNPACKED[packed] = facts = decode(packed) ?? null;
  return facts ?? undefined;
}

function decode(packed: number): Readonly<PackedFacts> | undefined {
  const status = packedStatus(packed);
  const mode = packedMode(packed);
  const model = MODEL.byCode.get(Math.floor(packed / MODEL_SHIFT) % (RESOLUTION_SHIFT / MODEL_SHIFT));
  const resolution = RESOLUTION.byCode.get(Math.floor(packed / RESOLUTION_SHIFT) % (TIER_SHIFT / RESOLUTION_SHIFT));
  const serviceTier = TIER.byCode.get(Math.floor(packed / TIER_SHIFT));
  if (!status || !mode || !model || !resolution || !serviceTier) return undefined;
  return Object.freeze({ status, mode, model, resolution, serviceTier });
}
