import { Field, InputType } from 'type-graphql';
import { GenerationOptions } from './generation-options.input';

@InputType({ description: 'A video that starts from an image.' })
export class FirstFrameInput {
  @Field(() => String, {
    description: 'http(s) URL or data:image/<format>;base64,... (jpeg, png, webp, bmp, tiff, gif).',
  })
  image!: string;

  @Field(() => String, { nullable: true })
  prompt?: string | null;

  @Field(() => GenerationOptions, { nullable: true })
  options?: GenerationOptions | null;
}
