import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { VideoTask as VideoTaskRecord } from '../../domain/video-task';
import type { GatewayContext } from '../context';
import type { GatewayServices } from '../services';
import { Node } from '../types/node.interface';
import { VideoTask } from '../types/video-task.type';

@Resolver(() => VideoTask)
export class VideoTaskResolver {
  constructor(private readonly services: GatewayServices) {}

  @Query(() => VideoTask, {
    nullable: true,
    description: "One of the caller's tasks; null when unknown or another client's.",
  })
  async videoTask(@Arg('id', () => ID) id: string, @Ctx() { viewer }: GatewayContext): Promise<VideoTaskRecord | null> {
    return (await this.services.taskQueries.findForClient(viewer.clientId, id)) ?? null;
  }

  @Query(() => Node, { nullable: true, description: 'Refetch any object by its id (Relay).' })
  async node(@Arg('id', () => ID) id: string, @Ctx() context: GatewayContext): Promise<VideoTaskRecord | null> {
    // Tasks are the only nodes: a node is a task of the caller's.
    return this.videoTask(id, context);
  }
}
