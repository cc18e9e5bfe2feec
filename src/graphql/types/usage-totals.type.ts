import { Field, Float, Int, ObjectType } from 'type-graphql';
import { SafeIntScalar } from '../scalars';

/** Totals of a report or a bucket; resolvers return the domain `UsageTotals` as is. */
@ObjectType({
  description:
    'Usage of the tasks submitted in a period. Outcome, money, tokens and videos count once a task is finished. ' +
    'Money is an exact decimal string in USD.',
})
export class UsageTotals {
  @Field(() => Int, { description: 'Tasks submitted, finished or not.' })
  tasks!: number;

  @Field(() => Int)
  succeeded!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int)
  expired!: number;

  @Field(() => String, { description: 'Sum of the upstream costs, exact (e.g. "20" for 200 tasks of "0.1").' })
  costUsd!: string;

  @Field(() => String)
  discountUsd!: string;

  @Field(() => SafeIntScalar)
  inputTokens!: number;

  @Field(() => SafeIntScalar)
  outputTokens!: number;

  @Field(() => SafeIntScalar)
  totalTokens!: number;

  @Field(() => Int)
  generatedVideos!: number;

  @Field(() => Float, {
    description: 'Seconds of video delivered: the resolved length of each succeeded task times its videos.',
  })
  videoSeconds!: number;
}
