import { Field, InputType } from 'type-graphql';
import { GenerationMode } from '../enums/generation-mode.enum';
import { VideoTaskStatus } from '../enums/video-task-status.enum';
import { DateTimeScalar } from '../scalars';

/** The `filter` argument of `videoTasks`; mapped to the service's `TaskHistoryFilter` by the resolver. */
@InputType({ description: 'Which of your tasks videoTasks lists. Omitted or empty parts match everything.' })
export class VideoTaskFilter {
  @Field(() => [VideoTaskStatus], { nullable: true, description: 'Any of these statuses.' })
  status?: VideoTaskStatus[] | null;

  @Field(() => [GenerationMode], { nullable: true, description: 'Any of these modes.' })
  mode?: GenerationMode[] | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'Created at or after this instant (inclusive, like usageReport `from`, so a bucket start can be passed as is).',
  })
  createdAfter?: Date | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Created before this instant (exclusive, like usageReport `to`).',
  })
  createdBefore?: Date | null;
}
