import { Field, Float, Int, ObjectType } from 'type-graphql';
import { AspectRatio } from '../enums/aspect-ratio.enum';
import { ServiceTier } from '../enums/service-tier.enum';
import { VideoResolution } from '../enums/video-resolution.enum';
import { SafeIntScalar } from '../scalars';

@ObjectType({ description: 'The options the upstream was asked for, after defaults.' })
export class ResolvedOptions {
  @Field(() => VideoResolution)
  resolution!: VideoResolution;

  @Field(() => AspectRatio)
  ratio!: AspectRatio;

  @Field(() => Float, { description: 'duration, or frames / 24 when frames was given.' })
  durationSeconds!: number;

  @Field(() => Int, { nullable: true })
  frames!: number | null;

  @Field(() => SafeIntScalar, { description: '-1 means random.' })
  seed!: number;

  @Field(() => Boolean)
  cameraFixed!: boolean;

  @Field(() => Boolean)
  watermark!: boolean;

  @Field(() => Boolean)
  returnLastFrame!: boolean;

  @Field(() => ServiceTier)
  serviceTier!: ServiceTier;

  @Field(() => Int, { description: 'Seconds after creation before the upstream gives up on the task.' })
  executionExpiresAfter!: number;
}
