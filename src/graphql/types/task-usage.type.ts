import { Field, Int, ObjectType } from 'type-graphql';
import { SafeIntScalar } from '../scalars';

@ObjectType({ description: 'What a finished task cost. Money is an exact decimal string in USD.' })
export class TaskUsage {
  @Field(() => String)
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
}
