import { registerEnumType } from 'type-graphql';
import { UsageGranularity } from '../../domain/usage-granularity';

/** Registers the domain `UsageGranularity` as the GraphQL enum of the same name. */
registerEnumType(UsageGranularity, {
  name: 'UsageGranularity',
  description: 'UTC buckets of a usage report: HOUR, DAY, MONTH, or TOTAL for one bucket over the whole range.',
});

export { UsageGranularity };
