import { Field, ID, ObjectType } from 'type-graphql';
import { Problem } from './problem.interface';

@ObjectType({ implements: Problem, description: 'The upstream refused or failed the request.' })
export class UpstreamError extends Problem {
  @Field(() => String, { nullable: true, description: 'The upstream error code, e.g. 003004003, when it sent one.' })
  upstreamCode!: string | null;

  @Field(() => Boolean, { description: 'Whether submitting the same request again later may succeed.' })
  retryable!: boolean;

  @Field(() => ID, {
    nullable: true,
    description:
      'Set when the create may have been accepted without an answer saying so: the OUTCOME_UNKNOWN task ' +
      'to follow (videoTask), which an upstream callback may still resolve.',
  })
  taskId!: string | null;

  constructor(init: {
    code: string;
    message: string;
    upstreamCode: string | null;
    retryable: boolean;
    taskId?: string | null;
  }) {
    super();
    this.code = init.code;
    this.message = init.message;
    this.upstreamCode = init.upstreamCode;
    this.retryable = init.retryable;
    this.taskId = init.taskId ?? null;
  }
}
