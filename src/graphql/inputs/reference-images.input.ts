import { Field, InputType } from 'type-graphql';
import { GenerationOptions } from './generation-options.input';

@InputType({ description: 'A video guided by 1-4 reference images (no P1080, no ADAPTIVE, no cameraFixed).' })
export class ReferenceImagesInput {
  @Field(() => [String])
  images!: string[];

  @Field(() => String, { nullable: true })
  prompt?: string | null;

  @Field(() => GenerationOptions, { nullable: true })
  options?: GenerationOptions | null;
}
