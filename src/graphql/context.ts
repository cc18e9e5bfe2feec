import type { TaskUpdatesService } from '../services/task-updates-service';

/** Who is calling: resolved from the bearer credential before any resolver runs. */
export interface Viewer {
  clientId: string;
  admin: boolean;
}

/** Per-request GraphQL context (HTTP and WebSocket alike). */
export interface GatewayContext {
  viewer: Viewer;
  requestId: string;
  /**
   * type-graphql's `@Subscription({ subscribe })` functions cannot reach the resolver
   * container, so the one service they need travels here.
   */
  liveUpdates: TaskUpdatesService;
}
