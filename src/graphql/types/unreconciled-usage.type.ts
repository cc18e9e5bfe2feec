import { Field, Int, ObjectType } from 'type-graphql';

/** Spend the gateway cannot attribute yet. */
@ObjectType({ description: 'What may have been billed upstream without a known upstream task.' })
export class UnreconciledUsage {
  @Field(() => Int, {
    description:
      'Creates submitted in the range whose outcome is unknown ' +
      '(OUTCOME_UNKNOWN tasks; see unreconciledCreates). They count in totals.tasks too.',
  })
  creates!: number;
}
