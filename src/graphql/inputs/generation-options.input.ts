import { Field, InputType, Int } from 'type-graphql';
import { AspectRatio } from '../enums/aspect-ratio.enum';
import { ServiceTier } from '../enums/service-tier.enum';
import { VideoResolution } from '../enums/video-resolution.enum';
import { SafeIntScalar } from '../scalars';

@InputType({ description: 'Every field is optional; defaults follow the Spark Dance docs.' })
export class GenerationOptions {
  @Field(() => VideoResolution, { nullable: true, description: 'Default P720.' })
  resolution?: VideoResolution | null;

  @Field(() => AspectRatio, {
    nullable: true,
    description: 'Default RATIO_16_9 (text, reference images) or ADAPTIVE (first frame modes).',
  })
  ratio?: AspectRatio | null;

  @Field(() => Int, { nullable: true, description: 'Seconds, 2..12, default 5. Ignored when frames is given.' })
  duration?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: '25 + 4n within 29..289; wins over duration. See nearestFrameCount.',
  })
  frames?: number | null;

  @Field(() => SafeIntScalar, { nullable: true, description: '-1 (random, default) .. 4294967295.' })
  seed?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Default false. Not supported with reference images.' })
  cameraFixed?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Default false.' })
  watermark?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Default false. When true the task gets lastFrameUrl.' })
  returnLastFrame?: boolean | null;

  @Field(() => ServiceTier, { nullable: true, description: 'Default DEFAULT.' })
  serviceTier?: ServiceTier | null;

  @Field(() => Int, { nullable: true, description: 'Seconds, 3600..259200, default 172800.' })
  executionExpiresAfter?: number | null;
}
