import { Field, ObjectType } from 'type-graphql';
import type { VideoTask as VideoTaskRecord } from '../../domain/video-task';
import { VideoTask } from './video-task.type';

/** One edge of a `videoTasks` page: the domain task record as `node`, and its cursor. */
@ObjectType({ description: 'A task in a videoTasks page, with its position.' })
export class VideoTaskEdge {
  @Field(() => String, { description: 'Opaque and stable: the position of this task in your history.' })
  cursor!: string;

  @Field(() => VideoTask)
  node!: VideoTaskRecord;
}
