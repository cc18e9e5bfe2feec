import { registerEnumType } from 'type-graphql';
import { GenerationMode } from '../../domain/generation-mode';

registerEnumType(GenerationMode, {
  name: 'GenerationMode',
  description: 'How the video is specified: text only, first frame, first and last frame, or 1-4 reference images.',
});

export { GenerationMode };
