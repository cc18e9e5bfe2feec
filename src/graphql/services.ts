import type { GenerationService } from '../services/generation-service';
import type { TaskQueryService } from '../services/task-query-service';

/** The application services resolvers may call; injected through the type-graphql container. */
export interface GatewayServices {
  generation: GenerationService;
  taskQueries: TaskQueryService;
}
