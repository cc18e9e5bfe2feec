import { Field, ObjectType } from 'type-graphql';

/** Relay `PageInfo` for forward pagination (`first`/`after`). */
@ObjectType({ description: 'Relay page information (forward pagination).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow this page.' })
  hasNextPage!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last edge; pass it as `after` for the next page. Null for an empty page.',
  })
  endCursor!: string | null;
}
