import { registerEnumType } from 'type-graphql';
import { VideoModel } from '../../domain/generation-mode';

registerEnumType(VideoModel, {
  name: 'VideoModel',
  description: 'Upstream model: text-to-video or image-to-video (Spark Dance 1.0 Lite).',
});

export { VideoModel };
