import { Field, Int, ObjectType } from 'type-graphql';
import { GenerationMode } from '../enums/generation-mode.enum';
import { VideoModel } from '../enums/video-model.enum';
import { VideoTaskStatus } from '../enums/video-task-status.enum';
import { DateTimeScalar } from '../scalars';
import { GeneratedVideo } from './generated-video.type';
import { InputImage } from './input-image.type';
import { Node } from './node.interface';
import { ResolvedOptions } from './resolved-options.type';
import { TaskError } from './task-error.type';
import { TaskUsage } from './task-usage.type';

/**
 * A generation task. Resolvers return the domain `VideoTask` record as is: its field names
 * are these, and fields not declared here (the owning client) stay private.
 */
@ObjectType({ implements: Node, description: 'A video generation and everything known about it.' })
export class VideoTask extends Node {
  @Field(() => Int, { description: 'Grows by one with every stored change.' })
  revision!: number;

  @Field(() => String, {
    nullable: true,
    description: 'The upstream task id; null while SUBMITTING or OUTCOME_UNKNOWN.',
  })
  upstreamTaskId!: string | null;

  @Field(() => VideoModel)
  model!: VideoModel;

  @Field(() => GenerationMode)
  mode!: GenerationMode;

  @Field(() => VideoTaskStatus)
  status!: VideoTaskStatus;

  @Field(() => String, { nullable: true })
  prompt!: string | null;

  @Field(() => [InputImage])
  images!: InputImage[];

  @Field(() => ResolvedOptions)
  options!: ResolvedOptions;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  @Field(() => DateTimeScalar)
  updatedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: string | null;

  @Field(() => DateTimeScalar, { description: 'createdAt + executionExpiresAfter.' })
  expiresAt!: string;

  @Field(() => [GeneratedVideo])
  videos!: GeneratedVideo[];

  @Field(() => String, { nullable: true, description: 'PNG of the last frame, when returnLastFrame was set.' })
  lastFrameUrl!: string | null;

  @Field(() => TaskUsage, { nullable: true, description: 'Present once the task succeeded.' })
  usage!: TaskUsage | null;

  @Field(() => TaskError, { nullable: true })
  error!: TaskError | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'When the upstream was last read successfully for this task; null before the first read. ' +
      'Old while unfinished = stale (reads are failing).',
  })
  syncedAt!: string | null;
}
