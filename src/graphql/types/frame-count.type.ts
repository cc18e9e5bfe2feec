import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A valid frame count (25 + 4n, 29..289) and the length it gives at 24 fps.' })
export class FrameCount {
  @Field(() => Int)
  frames!: number;

  @Field(() => Float)
  durationSeconds!: number;
}
