import { registerEnumType } from 'type-graphql';
import { AspectRatio } from '../../domain/generation-options';

registerEnumType(AspectRatio, {
  name: 'AspectRatio',
  description: 'Output aspect ratio. ADAPTIVE follows the input image and exists only for first-frame modes.',
});

export { AspectRatio };
