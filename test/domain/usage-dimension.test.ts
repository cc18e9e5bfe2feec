import { UsageDimension, compareUsageGroups, usageGroupKey, type UsageGroup } from '../../src/domain/usage-dimension';
import { VideoResolution } from '../../src/domain/generation-options';

const group = (clientId: string | null, resolution: VideoResolution | null): UsageGroup => ({
  model: null,
  mode: null,
  resolution,
  serviceTier: null,
  clientId,
});

describe('usage groups', () => {
  it('has one key per distinct group', () => {
    expect(usageGroupKey(group(null, null))).toBe(usageGroupKey(group(null, null)));
    expect(usageGroupKey(group('a', VideoResolution.P480))).not.toBe(usageGroupKey(group('a', VideoResolution.P720)));
  });

  it('orders by the groupBy order, enum values as declared (480p < 720p < 1080p), clients by id', () => {
    const groupBy = [UsageDimension.CLIENT, UsageDimension.RESOLUTION];
    const groups = [
      group('alice', VideoResolution.P1080),
      group('bob', VideoResolution.P480),
      group('alice', VideoResolution.P720),
      group('alice', VideoResolution.P480),
    ];
    expect(
      groups.sort((a, b) => compareUsageGroups(a, b, groupBy)).map((g) => `${g.clientId} ${g.resolution}`),
    ).toEqual(['alice 480p', 'alice 720p', 'alice 1080p', 'bob 480p']);
  });
});
