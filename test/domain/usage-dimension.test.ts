import { GenerationMode, VideoModel } from '../../src/domain/generation-mode';
import { ServiceTier, VideoResolution } from '../../src/domain/generation-options';
import { compareUsageGroups, UsageDimension, usageGroupKey, usageGroupOf } from '../../src/domain/usage-dimension';

const dims = (resolution: VideoResolution, serviceTier = ServiceTier.DEFAULT) => ({
  model: VideoModel.SPARK_DANCE_V1_0_LITE_I2V,
  mode: GenerationMode.FIRST_FRAME,
  resolution,
  serviceTier,
});

describe('usage groups', () => {
  it('keeps only the grouped dimensions', () => {
    expect(usageGroupOf(dims(VideoResolution.P480), 'bob', [UsageDimension.RESOLUTION, UsageDimension.CLIENT])).toEqual({
      model: null,
      mode: null,
      resolution: VideoResolution.P480,
      serviceTier: null,
      clientId: 'bob',
    });
    expect(usageGroupKey(usageGroupOf(dims(VideoResolution.P480), 'a', []))).toBe(usageGroupKey(usageGroupOf(dims(VideoResolution.P1080), 'b', [])));
  });

  it('orders by the groupBy order, enum values as declared (480p < 720p < 1080p), clients by id', () => {
    const groupBy = [UsageDimension.CLIENT, UsageDimension.RESOLUTION];
    const groups = [
      usageGroupOf(dims(VideoResolution.P1080), 'alice', groupBy),
      usageGroupOf(dims(VideoResolution.P480), 'bob', groupBy),
      usageGroupOf(dims(VideoResolution.P720), 'alice', groupBy),
      usageGroupOf(dims(VideoResolution.P480), 'alice', groupBy),
    ];
    expect(groups.sort((a, b) => compareUsageGroups(a, b, groupBy)).map((g) => `${g.clientId} ${g.resolution}`)).toEqual([
      'alice 480p',
      'alice 720p',
      'alice 1080p',
      'bob 480p',
    ]);
  });
});
