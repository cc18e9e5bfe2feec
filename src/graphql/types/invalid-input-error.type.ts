import { Field, ObjectType } from 'type-graphql';
import { InputIssue } from './input-issue.type';
import { Problem } from './problem.interface';

@ObjectType({
  implements: Problem,
  description: 'The input broke documented rules; nothing was sent upstream and nothing was charged.',
})
export class InvalidInputError extends Problem {
  @Field(() => [InputIssue], { description: 'Every problem found, not only the first.' })
  issues!: InputIssue[];

  constructor(init: { message: string; issues: InputIssue[] }) {
    super();
    this.code = 'INVALID_INPUT';
    this.message = init.message;
    this.issues = init.issues;
  }
}
