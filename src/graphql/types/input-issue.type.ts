import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One problem with the input, located by its path inside the chosen mode input.' })
export class InputIssue {
  @Field(() => [String], { description: 'e.g. ["options", "frames"] or ["images", "2"]' })
  path!: string[];

  @Field(() => String, { description: 'e.g. INVALID_FRAMES, IMAGE_TOO_LARGE, MISSING_PROMPT' })
  code!: string;

  @Field(() => String)
  message!: string;
}
