import { Field, ObjectType } from 'type-graphql';
import { PageInfo } from './page-info.type';
import { VideoTaskEdge } from './video-task-edge.type';

/** A `videoTasks` page; resolvers return `TaskHistoryPage` from the service as is. */
@ObjectType({ description: 'A page of your tasks, newest first.' })
export class VideoTaskConnection {
  @Field(() => [VideoTaskEdge])
  edges!: VideoTaskEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
