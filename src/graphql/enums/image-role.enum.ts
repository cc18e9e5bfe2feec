import { registerEnumType } from 'type-graphql';
import { ImageRole } from '../../domain/generation-mode';

registerEnumType(ImageRole, {
  name: 'ImageRole',
  description: 'What an input image is used for.',
});

export { ImageRole };
