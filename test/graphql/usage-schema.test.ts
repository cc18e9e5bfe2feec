import { printGatewaySchema } from '../../src/graphql/print-schema';

describe('schema: task history and usage contract', () => {
  it('has the videoTasks and usageReport contract, names and types exactly', () => {
    const sdl = printGatewaySchema();
    for (const line of [
      'videoTasks(first: Int = 20, after: String, filter: VideoTaskFilter): VideoTaskConnection!',
      'usageReport(from: DateTime!, to: DateTime!, granularity: UsageGranularity = DAY, groupBy: [UsageDimension!] = [], clientId: String): UsageReport!',
    ]) {
      expect(sdl).toContain(line);
    }
    const fields = (type: string) => {
      const body = new RegExp(`(?:type|input) ${type} \\{([^}]*)\\}`).exec(sdl)?.[1] ?? '';
      return body
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /^\w+: /.test(l));
    };
    expect(fields('VideoTaskFilter')).toEqual([
      'status: [VideoTaskStatus!]',
      'mode: [GenerationMode!]',
      'createdAfter: DateTime',
      'createdBefore: DateTime',
    ]);
    expect(fields('PageInfo')).toEqual(['hasNextPage: Boolean!', 'endCursor: String']);
    expect(fields('VideoTaskEdge')).toEqual(['cursor: String!', 'node: VideoTask!']);
    expect(fields('VideoTaskConnection')).toEqual(['edges: [VideoTaskEdge!]!', 'pageInfo: PageInfo!']);
    expect(fields('UsageTotals')).toEqual([
      'tasks: Int!',
      'succeeded: Int!',
      'failed: Int!',
      'expired: Int!',
      'costUsd: String!',
      'discountUsd: String!',
      'inputTokens: SafeInt!',
      'outputTokens: SafeInt!',
      'totalTokens: SafeInt!',
      'generatedVideos: Int!',
      'videoSeconds: Float!',
    ]);
    expect(fields('UsageBucket')).toEqual([
      'start: DateTime!',
      'end: DateTime!',
      'model: VideoModel',
      'mode: GenerationMode',
      'resolution: VideoResolution',
      'serviceTier: ServiceTier',
      'clientId: String',
      'totals: UsageTotals!',
    ]);
    expect(fields('UsageReport')).toEqual([
      'from: DateTime!',
      'to: DateTime!',
      'granularity: UsageGranularity!',
      'totals: UsageTotals!',
      'buckets: [UsageBucket!]!',
      'unreconciled: UnreconciledUsage!',
    ]);
    expect(fields('UnreconciledUsage')).toEqual(['creates: Int!']);
    expect(sdl).toMatch(/enum UsageGranularity \{\s+HOUR\s+DAY\s+MONTH\s+TOTAL\s+\}/);
    expect(sdl).toMatch(/enum UsageDimension \{\s+MODEL\s+MODE\s+RESOLUTION\s+SERVICE_TIER\s+CLIENT\s+\}/);
  });
});
