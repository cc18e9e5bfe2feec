import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { UsageReport as UsageReportResult } from '../../services/usage-report-service';
import type { GatewayContext } from '../context';
import { UsageDimension } from '../enums/usage-dimension.enum';
import { UsageGranularity } from '../enums/usage-granularity.enum';
import { toQueryGraphQLError } from '../query-errors';
import { DateTimeScalar } from '../scalars';
import type { GatewayServices } from '../services';
import { UnreconciledUsage } from '../types/unreconciled-usage.type';
import { UsageReport } from '../types/usage-report.type';

/** A report as the query returns it: with the scope its `unreconciled` count is taken over. */
type ScopedReport = UsageReportResult & { unreconciledScope: { from: Date; to: Date; clientId: string | undefined } };

/** `usageReport`: thin over `UsageReportService`; service errors become typed GraphQL errors. */
@Resolver(() => UsageReport)
export class UsageReportResolver {
  constructor(private readonly services: GatewayServices) {}

  // Parameters are declared last-to-first so the SDL reads (from, to, granularity, groupBy, clientId)
  // (type-graphql registers parameter decorators in the order TypeScript applies them: last first).
  @Query(() => UsageReport, {
    description:
      'What was submitted and spent over [from, to) (UTC; `to` exclusive), by submission time. Your own usage; ' +
      'admin clients may pass `clientId` (without it: every client) and group by CLIENT.',
  })
  async usageReport(
    @Ctx() { viewer }: GatewayContext,
    @Arg('clientId', () => String, { nullable: true }) clientId: string | null | undefined,
    @Arg('groupBy', () => [UsageDimension], { nullable: true, defaultValue: [] }) groupBy: UsageDimension[] | null,
    @Arg('granularity', () => UsageGranularity, { nullable: true, defaultValue: UsageGranularity.DAY })
    granularity: UsageGranularity | null,
    @Arg('to', () => DateTimeScalar) to: Date,
    @Arg('from', () => DateTimeScalar) from: Date,
  ): Promise<ScopedReport> {
    try {
      const report = await this.services.usageReports.report(viewer, { from, to, granularity, groupBy, clientId });
      // The report checked who may see whose usage: the same scope for the unreconciled count.
      const scope = viewer.admin ? (clientId ?? undefined) : viewer.clientId;
      return { ...report, unreconciledScope: { from, to, clientId: scope } };
    } catch (error) {
      throw toQueryGraphQLError(error);
    }
  }

  /** Counted only when asked for: it reads the unfinished tasks, which a report otherwise never does. */
  @FieldResolver(() => UnreconciledUsage)
  async unreconciled(@Root() report: ScopedReport): Promise<{ creates: number }> {
    return { creates: await this.services.unreconciledCreates.count(report.unreconciledScope) };
  }
}
