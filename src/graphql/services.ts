import type { GenerationService } from '../services/generation-service';
import type { TaskHistoryService } from '../services/task-history-service';
import type { TaskQueryService } from '../services/task-query-service';
import type { UnreconciledCreatesService } from '../services/unreconciled-creates-service';
import type { UsageReportService } from '../services/usage-report-service';

/** The application services resolvers may call; injected through the type-graphql container. */
export interface GatewayServices {
  /** Only `submit`, so the composition root can wrap it (metrics). */
  generation: Pick<GenerationService, 'submit'>;
  taskQueries: TaskQueryService;
  /** `videoTasks` pages. */
  taskHistory: TaskHistoryService;
  /** `usageReport`. */
  usageReports: UsageReportService;
  /** `unreconciledCreates` and `usageReport.unreconciled`. */
  unreconciledCreates: UnreconciledCreatesService;
}
