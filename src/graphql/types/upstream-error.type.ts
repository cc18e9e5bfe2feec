import { Field, ObjectType } from 'type-graphql';
import { Problem } from './problem.interface';

@ObjectType({ implements: Problem, description: 'The upstream refused or failed the request.' })
export class UpstreamError extends Problem {
  @Field(() => String, { nullable: true, description: 'The upstream error code, e.g. 003004003, when it sent one.' })
  upstreamCode!: string | null;

  @Field(() => Boolean, { description: 'Whether submitting the same request again later may succeed.' })
  retryable!: boolean;

  constructor(init: { code: string; message: string; upstreamCode: string | null; retryable: boolean }) {
    super();
    this.code = init.code;
    this.message = init.message;
    this.upstreamCode = init.upstreamCode;
    this.retryable = init.retryable;
  }
}
