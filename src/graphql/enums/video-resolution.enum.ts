import { registerEnumType } from 'type-graphql';
import { VideoResolution } from '../../domain/generation-options';

registerEnumType(VideoResolution, {
  name: 'VideoResolution',
  description: 'Output resolution. Reference-image generations do not support P1080.',
});

export { VideoResolution };
