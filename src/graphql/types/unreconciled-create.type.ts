import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';

/** An unreconciled create (the service's `UnreconciledCreate`, returned as is). */
@ObjectType({
  description:
    'A create that may have been accepted (and billed) upstream without an answer saying so: ' +
    'its task is OUTCOME_UNKNOWN.',
})
export class UnreconciledCreate {
  @Field(() => ID, { description: 'The OUTCOME_UNKNOWN task.' })
  taskId!: string;

  @Field(() => String)
  clientId!: string;

  @Field(() => DateTimeScalar, { description: 'When it was submitted.' })
  createdAt!: string;

  @Field(() => String, {
    description:
      'SHA-256 of the validated input (the digest idempotency keys compare), to match it against upstream billing.',
  })
  inputFingerprint!: string;
}
