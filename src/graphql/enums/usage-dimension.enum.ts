import { registerEnumType } from 'type-graphql';
import { UsageDimension } from '../../domain/usage-dimension';

/** Registers the domain `UsageDimension` as the GraphQL enum of the same name. */
registerEnumType(UsageDimension, {
  name: 'UsageDimension',
  description: 'What usage buckets can be split by. CLIENT is for admin clients only.',
});

export { UsageDimension };
