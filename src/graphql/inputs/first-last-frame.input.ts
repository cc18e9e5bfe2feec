import { Field, InputType } from 'type-graphql';
import { GenerationOptions } from './generation-options.input';

@InputType({ description: 'A video that starts at one image and ends at another.' })
export class FirstLastFrameInput {
  @Field(() => String)
  firstFrame!: string;

  @Field(() => String)
  lastFrame!: string;

  @Field(() => String, { nullable: true })
  prompt?: string | null;

  @Field(() => GenerationOptions, { nullable: true })
  options?: GenerationOptions | null;
}
