import { GraphQLError } from 'graphql';
import { Arg, Extensions, ID, Root, Subscription, Resolver } from 'type-graphql';
import type { VideoTask as VideoTaskRecord } from '../../domain/video-task';
import { TaskNotFoundError } from '../../services/task-updates-service';
import type { GatewayContext } from '../context';
import { LIVE_STATE_EXTENSION } from '../live-state';
import { VideoTask } from '../types/video-task.type';

/** Live task updates over graphql-ws; the streams come from `TaskUpdatesService`. */
@Resolver()
export class VideoTaskUpdatesResolver {
  @Extensions({ [LIVE_STATE_EXTENSION]: true }) // late joiners of a shared execution get the latest state first
  @Subscription(() => VideoTask, {
    description:
      'The current state of one of your tasks, then each change (higher revision); completes after SUCCEEDED, ' +
      'FAILED or EXPIRED.',
    subscribe: async ({ args, context }) => {
      const { viewer, liveUpdates } = context as GatewayContext;
      try {
        return await liveUpdates.watchTask(viewer.clientId, String(args.id));
      } catch (error) {
        if (error instanceof TaskNotFoundError) {
          throw new GraphQLError('No such task for this client.', { extensions: { code: 'NOT_FOUND' } });
        }
        throw error;
      }
    },
  })
  videoTaskUpdated(@Arg('id', () => ID) _id: string, @Root() task: VideoTaskRecord): VideoTaskRecord {
    return task;
  }

  @Subscription(() => VideoTask, {
    description: 'Every change to any of your tasks, from now on.',
    subscribe: ({ context }) => {
      const { viewer, liveUpdates } = context as GatewayContext;
      return liveUpdates.watchClient(viewer.clientId);
    },
  })
  myVideoTaskUpdates(@Root() task: VideoTaskRecord): VideoTaskRecord {
    return task;
  }
}
