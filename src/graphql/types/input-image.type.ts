import { Field, Int, ObjectType } from 'type-graphql';
import { ImageRole } from '../enums/image-role.enum';

@ObjectType({ description: 'Facts about an input image. The image data itself is never stored.' })
export class InputImage {
  @Field(() => ImageRole)
  role!: ImageRole;

  @Field(() => String, { nullable: true, description: 'Only for http(s) images; null for data URLs.' })
  url!: string | null;

  @Field(() => String, { nullable: true })
  mimeType!: string | null;

  @Field(() => Int, { nullable: true })
  width!: number | null;

  @Field(() => Int, { nullable: true })
  height!: number | null;

  @Field(() => Int, { nullable: true })
  sizeBytes!: number | null;

  @Field(() => String, { nullable: true, description: 'Hex SHA-256 of the decoded image bytes (data URLs only).' })
  sha256!: string | null;
}
