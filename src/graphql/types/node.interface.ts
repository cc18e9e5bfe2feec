import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay's object identification: anything refetchable by `node(id)`. Only video tasks today. */
@InterfaceType({ resolveType: () => 'VideoTask' })
export abstract class Node {
  @Field(() => ID)
  id!: string;
}
