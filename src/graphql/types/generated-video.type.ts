import { Field, Float, Int, ObjectType } from 'type-graphql';
import { SafeIntScalar } from '../scalars';

@ObjectType({ description: 'A generated video, as reported by the upstream.' })
export class GeneratedVideo {
  @Field(() => String)
  url!: string;

  @Field(() => SafeIntScalar, { nullable: true })
  sizeBytes!: number | null;

  @Field(() => String, { nullable: true })
  jobId!: string | null;

  @Field(() => Float, { nullable: true })
  durationSeconds!: number | null;

  @Field(() => String, { nullable: true })
  format!: string | null;

  @Field(() => String, { nullable: true })
  resolution!: string | null;

  @Field(() => String, { nullable: true })
  ratio!: string | null;

  @Field(() => Int, { nullable: true })
  fps!: number | null;
}
