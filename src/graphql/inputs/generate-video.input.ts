import { Field, InputType } from 'type-graphql';
import { GenerationMode } from '../../domain/generation-mode';
import type { GenerationRequest } from '../../domain/generation-request';
import { OneOf } from '../one-of';
import { FirstFrameInput } from './first-frame.input';
import { FirstLastFrameInput } from './first-last-frame.input';
import { ReferenceImagesInput } from './reference-images.input';
import { TextToVideoInput } from './text-to-video.input';

@OneOf()
@InputType({ description: 'Exactly one mode (@oneOf: GraphQL validation rejects zero or several).' })
export class GenerateVideoInput {
  @Field(() => TextToVideoInput, { nullable: true })
  textToVideo?: TextToVideoInput;

  @Field(() => FirstFrameInput, { nullable: true })
  firstFrame?: FirstFrameInput;

  @Field(() => FirstLastFrameInput, { nullable: true })
  firstLastFrame?: FirstLastFrameInput;

  @Field(() => ReferenceImagesInput, { nullable: true })
  referenceImages?: ReferenceImagesInput;
}

/**
 * The domain request for the one mode that was given. graphql-js has already enforced
 * @oneOf, so exactly one branch is set; the fallthrough error guards a broken schema build.
 */
export function toGenerationRequest(input: GenerateVideoInput): GenerationRequest {
  if (input.textToVideo) {
    const { prompt, options } = input.textToVideo;
    return { mode: GenerationMode.TEXT_TO_VIDEO, prompt, options };
  }
  if (input.firstFrame) {
    const { image, prompt, options } = input.firstFrame;
    return { mode: GenerationMode.FIRST_FRAME, image, prompt, options };
  }
  if (input.firstLastFrame) {
    const { firstFrame, lastFrame, prompt, options } = input.firstLastFrame;
    return { mode: GenerationMode.FIRST_LAST_FRAME, firstFrame, lastFrame, prompt, options };
  }
  if (input.referenceImages) {
    const { images, prompt, options } = input.referenceImages;
    return { mode: GenerationMode.REFERENCE_IMAGES, images, prompt, options };
  }
  throw new Error('GenerateVideoInput arrived without a mode: is @oneOf applied to the schema?');
}
