import { VideoTaskStatus } from '../../src/domain/task-status';
import { ServiceTier, VideoResolution } from '../../src/domain/generation-options';
import { GENERATE, KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { observe, submittedTask } from '../support/usage-fixtures';

const REPORT = `
  query Report($from: DateTime!, $to: DateTime!, $granularity: UsageGranularity, $groupBy: [UsageDimension!], $clientId: String) {
    usageReport(from: $from, to: $to, granularity: $granularity, groupBy: $groupBy, clientId: $clientId) {
      from to granularity
      totals { tasks succeeded failed expired costUsd discountUsd inputTokens outputTokens totalTokens generatedVideos videoSeconds }
      buckets { start end model mode resolution serviceTier clientId totals { tasks succeeded failed costUsd totalTokens videoSeconds } }
    }
  }
`;
const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const range = { from: new Date(T0).toISOString(), to: new Date(T0 + 2 * DAY).toISOString() };

/** Seeds, through the store, a known set of tasks: alice 3 (two 720p successes, one failure), bob 1 (1080p flex). */
async function seed(h: Harness): Promise<void> {
  const tasks = h.gateway.store.tasks;
  const seeded = [
    observe(
      { status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1', outputTokens: 100 },
      T0 + 10,
    )(submittedTask({ id: 'vt_a1', clientId: 'alice', createdAtMs: T0 + 1 }))!,
    observe(
      { status: VideoTaskStatus.SUCCEEDED, costUsd: '0.0375', outputTokens: 50 },
      T0 + 10,
    )(submittedTask({ id: 'vt_a2', clientId: 'alice', createdAtMs: T0 + DAY + 1, durationSeconds: 2.375 }))!,
    observe(
      { status: VideoTaskStatus.FAILED },
      T0 + 10,
    )(submittedTask({ id: 'vt_a3', clientId: 'alice', createdAtMs: T0 + DAY + 2 }))!,
    observe(
      { status: VideoTaskStatus.SUCCEEDED, costUsd: '1.23456789', outputTokens: 7 },
      T0 + 10,
    )(
      submittedTask({
        id: 'vt_b1',
        clientId: 'bob',
        createdAtMs: T0 + 5,
        resolution: VideoResolution.P1080,
        serviceTier: ServiceTier.FLEX,
      }),
    )!,
  ];
  for (const task of seeded) await tasks.insert(task);
}

describe('usageReport over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ store: 'sqlite', env: { USAGE_REPORT_MAX_BUCKETS: '48' } });
    await seed(h);
  });
  afterAll(async () => {
    await h.stop();
  });

  it("reports the caller's own usage with the defaults (DAY, no grouping)", async () => {
    const response = await h.gql(REPORT, range);
    expect(response.errors).toBeUndefined();
    expect(response.data!.usageReport).toEqual({
      from: range.from,
      to: range.to,
      granularity: 'DAY',
      totals: {
        tasks: 3,
        succeeded: 2,
        failed: 1,
        expired: 0,
        costUsd: '0.1375',
        discountUsd: '0',
        inputTokens: 0,
        outputTokens: 150,
        totalTokens: 150,
        generatedVideos: 2,
        videoSeconds: 7.375,
      },
      buckets: [
        {
          start: '2026-01-01T00:00:00.000Z',
          end: '2026-01-02T00:00:00.000Z',
          model: null,
          mode: null,
          resolution: null,
          serviceTier: null,
          clientId: null,
          totals: { tasks: 1, succeeded: 1, failed: 0, costUsd: '0.1', totalTokens: 100, videoSeconds: 5 },
        },
        {
          start: '2026-01-02T00:00:00.000Z',
          end: '2026-01-03T00:00:00.000Z',
          model: null,
          mode: null,
          resolution: null,
          serviceTier: null,
          clientId: null,
          totals: { tasks: 2, succeeded: 1, failed: 1, costUsd: '0.0375', totalTokens: 50, videoSeconds: 2.375 },
        },
      ],
    });
  });

  it('lets an admin see everyone, one client, or split by client and dimensions', async () => {
    const all = await h.gql(
      REPORT,
      { ...range, granularity: 'TOTAL', groupBy: ['CLIENT', 'RESOLUTION', 'SERVICE_TIER'] },
      KEYS.admin,
    );
    expect(all.errors).toBeUndefined();
    expect(all.data!.usageReport.totals).toMatchObject({ tasks: 4, costUsd: '1.37206789' });
    expect(
      all.data!.usageReport.buckets.map((b: Record<string, unknown>) => [
        b.clientId,
        b.resolution,
        b.serviceTier,
        (b.totals as { costUsd: string }).costUsd,
      ]),
    ).toEqual([
      ['alice', 'P720', 'DEFAULT', '0.1375'],
      ['bob', 'P1080', 'FLEX', '1.23456789'],
    ]);
    const bob = await h.gql(REPORT, { ...range, clientId: 'bob', groupBy: ['MODEL'] }, KEYS.admin);
    expect(bob.data!.usageReport.buckets).toEqual([
      expect.objectContaining({
        model: 'SPARK_DANCE_V1_0_LITE_T2V',
        clientId: null,
        totals: expect.objectContaining({ costUsd: '1.23456789' }),
      }),
    ]);
  });

  it('refuses clientId and CLIENT grouping to non-admins with FORBIDDEN', async () => {
    for (const variables of [
      { ...range, clientId: 'alice' },
      { ...range, clientId: 'bob' },
      { ...range, groupBy: ['CLIENT'] },
    ]) {
      const response = await h.gql(REPORT, variables, KEYS.bob);
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('refuses inverted ranges and ranges over the configured number of buckets with BAD_USER_INPUT', async () => {
    const inverted = await h.gql(REPORT, { from: range.to, to: range.from });
    expect(inverted.errors?.[0]).toMatchObject({
      message: 'to must be later than from',
      extensions: { code: 'BAD_USER_INPUT', argumentName: 'to' },
    });
    const tooMany = await h.gql(REPORT, {
      ...range,
      to: new Date(T0 + 2 * DAY + 1).toISOString(),
      granularity: 'HOUR',
    });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0]?.message).toMatch(/more than 48 HOUR buckets/);
    expect((await h.gql(REPORT, { ...range, granularity: 'HOUR' })).errors).toBeUndefined();
    expect((await h.gql(REPORT, { from: 'yesterday', to: range.to })).errors?.[0]?.extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('counts a real generation at the upstream price once, also after a restart', async () => {
    const submitted = await h.gql(
      GENERATE,
      { input: { textToVideo: { prompt: 'a lighthouse at dusk', options: { resolution: 'P720', duration: 5 } } } },
      KEYS.bob,
    );
    const id = submitted.data!.generateVideo.task.id as string;
    const task = await h.waitForStatus(id, ['SUCCEEDED'], KEYS.bob);
    const now = {
      from: new Date(Date.now() - DAY).toISOString(),
      to: new Date(Date.now() + DAY).toISOString(),
      granularity: 'TOTAL',
    };
    const before = await h.gql(REPORT, now, KEYS.bob);
    expect(before.data!.usageReport.totals).toMatchObject({
      tasks: 1,
      succeeded: 1,
      costUsd: task.usage.costUsd,
      totalTokens: task.usage.totalTokens,
    });
    await h.restartGateway();
    expect((await h.gql(REPORT, now, KEYS.bob)).data!.usageReport).toEqual(before.data!.usageReport);
    expect((await h.gql(REPORT, range, KEYS.bob)).data!.usageReport.totals.costUsd).toBe('1.23456789');
  });
});
