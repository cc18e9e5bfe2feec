import { createPubSub, type PubSub, type PubSubEventTarget } from '@graphql-yoga/subscription';
import type { VideoTask } from '../domain/video-task';

/** The two streams every stored change is published to. */
export enum TaskTopic {
  /** Changes of one task; id = task id. */
  TASK = 'TASK_UPDATED',
  /** Changes of any task of one client; id = client id. */
  CLIENT = 'CLIENT_TASK_UPDATED',
}

type TaskPubSubArgs = { [TaskTopic.TASK]: [string, VideoTask]; [TaskTopic.CLIENT]: [string, VideoTask] };

/** The event target the pub/sub runs on; in-process by default, a Redis event target later. */
export type TaskEventTarget = PubSubEventTarget<TaskPubSubArgs>;

/**
 * Where stored task changes are announced and heard. Publishing goes through type-graphql's
 * PubSub (`@graphql-yoga/subscription`); listening registers directly on its event target,
 * synchronously, so a subscriber that starts listening and then reads the store cannot miss
 * a change published in between (a Repeater from `PubSub.subscribe` would only start
 * listening on its first pull).
 */
export interface TaskEvents {
  /** Announces a stored change to both of its topics. */
  publish(task: VideoTask): void;
  /** Calls `handler` with every change published to `topic:id` from now on; returns the unsubscribe. */
  listen(topic: TaskTopic, id: string, handler: (task: VideoTask) => void): () => void;
  /** The underlying PubSub, for type-graphql's `buildSchema({ pubSub })`. */
  readonly pubSub: PubSub<TaskPubSubArgs>;
}

/** {@link TaskEvents} on an event target (a new in-process `EventTarget` unless one is given). */
export function createTaskEvents(
  eventTarget: TaskEventTarget = new EventTarget() as TaskEventTarget,
  onListenerError: (error: unknown) => void = () => undefined,
): TaskEvents {
  const pubSub: PubSub<TaskPubSubArgs> = createPubSub<TaskPubSubArgs>({ eventTarget });
  return {
    pubSub,
    publish(task) {
      pubSub.publish(TaskTopic.TASK, task.id, task);
      pubSub.publish(TaskTopic.CLIENT, task.clientId, task);
    },
    listen(topic, id, handler) {
      const type = `${topic}:${id}`;
      // A throwing EventTarget listener becomes an uncaught exception in Node: contain it here.
      const listener = (event: Event) => {
        try {
          handler((event as CustomEvent<VideoTask>).detail);
        } catch (error) {
          onListenerError(error);
        }
      };
      eventTarget.addEventListener(type, listener as never);
      return () => eventTarget.removeEventListener(type, listener as never);
    },
  };
}
