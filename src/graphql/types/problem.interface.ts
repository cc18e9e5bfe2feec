import { Field, InterfaceType } from 'type-graphql';

/** Shared shape of every expected failure returned in a result union. */
@InterfaceType({ description: 'An expected failure: a machine-readable code and a message for people.' })
export abstract class Problem {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  message!: string;
}
