import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { MAX_PAGE_SIZE, type TaskHistoryPage } from '../../services/task-history-service';
import type { GatewayContext } from '../context';
import { VideoTaskFilter } from '../inputs/video-task-filter.input';
import { toQueryGraphQLError } from '../query-errors';
import type { GatewayServices } from '../services';
import { VideoTaskConnection } from '../types/video-task-connection.type';

/** `videoTasks`: thin over `TaskHistoryService`; service errors become typed GraphQL errors. */
@Resolver()
export class VideoTasksResolver {
  constructor(private readonly services: GatewayServices) {}

  // Parameters are declared last-to-first: type-graphql registers parameter decorators in the
  // order TypeScript applies them (last first), and the SDL should read (first, after, filter).
  @Query(() => VideoTaskConnection, {
    description:
      `Your tasks, newest first. \`first\`: 0 to ${MAX_PAGE_SIZE}; ` + '`after`: the endCursor of the previous page.',
  })
  async videoTasks(
    @Ctx() { viewer }: GatewayContext,
    @Arg('filter', () => VideoTaskFilter, { nullable: true }) filter: VideoTaskFilter | null | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | null | undefined,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
  ): Promise<TaskHistoryPage> {
    try {
      return await this.services.taskHistory.page(viewer.clientId, {
        first,
        after,
        filter: filter && {
          statuses: filter.status,
          modes: filter.mode,
          createdAfter: filter.createdAfter,
          createdBefore: filter.createdBefore,
        },
      });
    } catch (error) {
      throw toQueryGraphQLError(error);
    }
  }
}
