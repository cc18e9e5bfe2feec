import { Field, ObjectType } from 'type-graphql';
import { UsageGranularity } from '../enums/usage-granularity.enum';
import { DateTimeScalar } from '../scalars';
import { UnreconciledUsage } from './unreconciled-usage.type';
import { UsageBucket } from './usage-bucket.type';
import { UsageTotals } from './usage-totals.type';

/** A usage report (the service's `UsageReport`, returned as is). */
@ObjectType({ description: 'Usage over [from, to), by submission time.' })
export class UsageReport {
  @Field(() => DateTimeScalar)
  from!: string;

  @Field(() => DateTimeScalar)
  to!: string;

  @Field(() => UsageGranularity)
  granularity!: UsageGranularity;

  @Field(() => UsageTotals, { description: 'The whole range.' })
  totals!: UsageTotals;

  @Field(() => [UsageBucket], {
    description: 'Non-empty buckets, in time order, then by the grouped values in the order of groupBy.',
  })
  buckets!: UsageBucket[];

  @Field(() => UnreconciledUsage, { description: 'Creates of the range (and clients) whose outcome is unknown.' })
  unreconciled!: UnreconciledUsage;
}
