import { Field, Int, ObjectType } from 'type-graphql';
import { Problem } from './problem.interface';

@ObjectType({ implements: Problem, description: 'Too many requests right now; nothing was submitted.' })
export class RateLimitedError extends Problem {
  @Field(() => Int, { description: 'Seconds to wait before trying again.' })
  retryAfterSeconds!: number;

  constructor(init: { code: string; message: string; retryAfterSeconds: number }) {
    super();
    this.code = init.code;
    this.message = init.message;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}
