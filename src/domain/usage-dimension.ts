import { GenerationMode, VideoModel } from './generation-mode';
import { ServiceTier, VideoResolution } from './generation-options';

/** What a usage report can split its buckets by. */
export enum UsageDimension {
  MODEL = 'MODEL',
  MODE = 'MODE',
  RESOLUTION = 'RESOLUTION',
  SERVICE_TIER = 'SERVICE_TIER',
  CLIENT = 'CLIENT',
}

/** The values a bucket is split by: only the grouped dimensions are set, the others are null. */
export interface UsageGroup {
  model: VideoModel | null;
  mode: GenerationMode | null;
  resolution: VideoResolution | null;
  serviceTier: ServiceTier | null;
  clientId: string | null;
}

/** A string that is equal for equal groups (a map key). */
export function usageGroupKey(group: UsageGroup): string {
  return JSON.stringify([group.model, group.mode, group.resolution, group.serviceTier, group.clientId]);
}

/** Position in the enum's declaration, which is the natural order (480p before 1080p, not after). */
function declared<T extends string>(values: Record<string, T>, value: T | null): number {
  return value === null ? -1 : Object.values(values).indexOf(value);
}

function compareDimension(a: UsageGroup, b: UsageGroup, dimension: UsageDimension): number {
  switch (dimension) {
    case UsageDimension.MODEL:
      return declared(VideoModel, a.model) - declared(VideoModel, b.model);
    case UsageDimension.MODE:
      return declared(GenerationMode, a.mode) - declared(GenerationMode, b.mode);
    case UsageDimension.RESOLUTION:
      return declared(VideoResolution, a.resolution) - declared(VideoResolution, b.resolution);
    case UsageDimension.SERVICE_TIER:
      return declared(ServiceTier, a.serviceTier) - declared(ServiceTier, b.serviceTier);
    case UsageDimension.CLIENT: {
      const x = a.clientId ?? '';
      const y = b.clientId ?? '';
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

/**
 * Orders groups by their dimension values, dimension by dimension in the order of `groupBy`;
 * enum values in declaration order, client ids by code unit.
 */
export function compareUsageGroups(a: UsageGroup, b: UsageGroup, groupBy: readonly UsageDimension[]): number {
  for (const dimension of groupBy) {
    const order = compareDimension(a, b, dimension);
    if (order !== 0) return order;
  }
  return 0;
}
