import { registerEnumType } from 'type-graphql';
import { ServiceTier } from '../../domain/generation-options';

registerEnumType(ServiceTier, {
  name: 'ServiceTier',
  description: 'DEFAULT is online inference; FLEX is cheaper offline inference that can take much longer.',
});

export { ServiceTier };
