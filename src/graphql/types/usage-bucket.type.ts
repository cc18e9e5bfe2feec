import { Field, ObjectType } from 'type-graphql';
import { GenerationMode } from '../enums/generation-mode.enum';
import { ServiceTier } from '../enums/service-tier.enum';
import { VideoModel } from '../enums/video-model.enum';
import { VideoResolution } from '../enums/video-resolution.enum';
import { DateTimeScalar } from '../scalars';
import { UsageTotals } from './usage-totals.type';

/** One bucket of a usage report (the service's `UsageBucket`, returned as is). */
@ObjectType({ description: 'One time bucket, for one combination of the grouped dimensions (the others are null).' })
export class UsageBucket {
  @Field(() => DateTimeScalar, {
    description: 'Inclusive; the report `from` for a first bucket that does not start on a boundary.',
  })
  start!: string;

  @Field(() => DateTimeScalar, {
    description: 'Exclusive; the report `to` for a last bucket that does not end on a boundary.',
  })
  end!: string;

  @Field(() => VideoModel, { nullable: true })
  model!: VideoModel | null;

  @Field(() => GenerationMode, { nullable: true })
  mode!: GenerationMode | null;

  @Field(() => VideoResolution, { nullable: true })
  resolution!: VideoResolution | null;

  @Field(() => ServiceTier, { nullable: true })
  serviceTier!: ServiceTier | null;

  @Field(() => String, { nullable: true })
  clientId!: string | null;

  @Field(() => UsageTotals)
  totals!: UsageTotals;
}
