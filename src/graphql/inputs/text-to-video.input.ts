import { Field, InputType } from 'type-graphql';
import { GenerationOptions } from './generation-options.input';

@InputType({ description: 'A video from a text prompt.' })
export class TextToVideoInput {
  @Field(() => String, { description: 'Required, not blank. Over 500 characters is accepted with a warning.' })
  prompt!: string;

  @Field(() => GenerationOptions, { nullable: true })
  options?: GenerationOptions | null;
}
