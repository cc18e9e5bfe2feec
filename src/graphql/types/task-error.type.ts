import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Why a task failed or expired.' })
export class TaskError {
  @Field(() => String, { description: 'Symbolic, e.g. UPSTREAM_GENERATION_FAILED or TASK_EXPIRED.' })
  code!: string;

  @Field(() => String, { nullable: true, description: 'The upstream code, e.g. 003004095.' })
  upstreamCode!: string | null;

  @Field(() => String)
  message!: string;

  @Field(() => Boolean, { description: 'Whether submitting the same generation again may succeed.' })
  retryable!: boolean;
}
