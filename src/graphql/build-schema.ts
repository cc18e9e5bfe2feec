import 'reflect-metadata';
import { createPubSub } from '@graphql-yoga/subscription';
import type { GraphQLSchema } from 'graphql';
import { buildSchemaSync, type PubSub, type ResolverData } from 'type-graphql';
import type { GatewayContext } from './context';
import { applyOneOf } from './one-of';
import { FrameCountResolver } from './resolvers/frame-count.resolver';
import { GenerateVideoResolver } from './resolvers/generate-video.resolver';
import { UnreconciledCreatesResolver } from './resolvers/unreconciled-creates.resolver';
import { UsageReportResolver } from './resolvers/usage-report.resolver';
import { VideoTaskUpdatesResolver } from './resolvers/video-task-updates.resolver';
import { VideoTaskResolver } from './resolvers/video-task.resolver';
import { VideoTasksResolver } from './resolvers/video-tasks.resolver';
import type { GatewayServices } from './services';

const RESOLVERS = [
  VideoTaskResolver,
  GenerateVideoResolver,
  FrameCountResolver,
  VideoTaskUpdatesResolver,
  VideoTasksResolver,
  UsageReportResolver,
  UnreconciledCreatesResolver,
] as const;

/**
 * The executable schema. Resolvers are built once with the services injected through the
 * container. Pass no services to build the schema for printing only.
 */
export function buildGatewaySchema(services?: GatewayServices, pubSub: PubSub = createPubSub()): GraphQLSchema {
  // Keyed by class: type-graphql's container hands over constructors of any signature.
  const instances = new Map<abstract new (...args: never[]) => unknown, unknown>();
  const schema = buildSchemaSync({
    resolvers: RESOLVERS,
    validate: false, // the domain validates and reports every issue as a typed result
    // Required by type-graphql for subscriptions, although ours bring their own `subscribe`.
    pubSub,
    container: {
      get: (cls: new (services: GatewayServices) => unknown, _data: ResolverData<GatewayContext>) => {
        if (!instances.has(cls)) {
          if (!services) throw new Error('schema built without services cannot execute resolvers');
          instances.set(cls, new cls(services));
        }
        return instances.get(cls);
      },
    },
  });
  return applyOneOf(schema);
}
