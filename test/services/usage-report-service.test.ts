import { Keyv } from 'keyv';
import { GenerationMode, VideoModel } from '../../src/domain/generation-mode';
import { ServiceTier, VideoResolution } from '../../src/domain/generation-options';
import { VideoTaskStatus } from '../../src/domain/task-status';
import { UsageDimension } from '../../src/domain/usage-dimension';
import { UsageGranularity } from '../../src/domain/usage-granularity';
import { ForbiddenQueryError, InvalidQueryError } from '../../src/services/query-errors';
import {
  UsageReportService,
  type UsageReport,
  type UsageReportQuery,
  type UsageViewer,
} from '../../src/services/usage-report-service';
import type { GatewayStore } from '../../src/store/open-store';
import { describeEachEngine, type TestStore, type TestStores } from '../support/test-stores';
import { finishedTask } from '../store/fixtures/finished-task';
import {
  observe,
  observeRunning,
  submittedTask,
  usageOf,
  workload,
  type Outcome,
  type WorkloadTask,
} from '../support/usage-fixtures';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-30T00:00:00.000Z'); // spans a month end: January 30 to February 2
const ADMIN: UsageViewer = { clientId: 'ops', admin: true };
const viewerOf = (clientId: string): UsageViewer => ({ clientId, admin: false });

// ---------------------------------------------------------------------------------------------
// The oracle: an independent computation of what a report must say, straight from the workload
// (what was submitted and how each task ended), with money in BigInt pico-dollars.
// ---------------------------------------------------------------------------------------------

const PICO_DIGITS = 12;
function pico(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole! + fraction.padEnd(PICO_DIGITS, '0'));
}
function fromPico(value: bigint): string {
  const digits = value.toString().padStart(PICO_DIGITS + 1, '0');
  const fraction = digits.slice(-PICO_DIGITS).replace(/0+$/, '');
  const whole = digits.slice(0, -PICO_DIGITS);
  return fraction ? `${whole}.${fraction}` : whole;
}

interface OracleTotals {
  tasks: number;
  succeeded: number;
  failed: number;
  expired: number;
  cost: bigint;
  discount: bigint;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  generatedVideos: number;
  videoFrames: number;
}
const zero = (): OracleTotals => ({
  tasks: 0,
  succeeded: 0,
  failed: 0,
  expired: 0,
  cost: 0n,
  discount: 0n,
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  generatedVideos: 0,
  videoFrames: 0,
});

function add(totals: OracleTotals, task: WorkloadTask, finished: Outcome | undefined): void {
  totals.tasks += 1;
  if (!finished) return;
  if (finished.status === VideoTaskStatus.FAILED) totals.failed += 1;
  if (finished.status === VideoTaskStatus.EXPIRED) totals.expired += 1;
  if (finished.status !== VideoTaskStatus.SUCCEEDED) return;
  const usage = usageOf(finished);
  totals.succeeded += 1;
  totals.cost += pico(usage.costUsd);
  totals.discount += pico(usage.discountUsd);
  totals.inputTokens += usage.inputTokens;
  totals.outputTokens += usage.outputTokens;
  totals.totalTokens += usage.totalTokens;
  totals.generatedVideos += usage.generatedVideos;
  // In whole frames (lengths are whole frames at 24 fps), converted to seconds at the end.
  totals.videoFrames += Math.round((task.spec.durationSeconds ?? 5) * 24) * usage.generatedVideos;
}

function bucketStart(ms: number, granularity: UsageGranularity, fromMs: number): number {
  const d = new Date(ms);
  switch (granularity) {
    case UsageGranularity.HOUR:
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours());
    case UsageGranularity.DAY:
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case UsageGranularity.MONTH:
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth());
    case UsageGranularity.TOTAL:
      return fromMs;
  }
}
function bucketEnd(start: number, granularity: UsageGranularity, toMs: number): number {
  const d = new Date(start);
  switch (granularity) {
    case UsageGranularity.HOUR:
      return start + 3_600_000;
    case UsageGranularity.DAY:
      return start + DAY;
    case UsageGranularity.MONTH:
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1);
    case UsageGranularity.TOTAL:
      return toMs;
  }
}

const ENUM_ORDER: Record<string, readonly string[]> = {
  model: Object.values(VideoModel),
  mode: Object.values(GenerationMode),
  resolution: Object.values(VideoResolution),
  serviceTier: Object.values(ServiceTier),
};
const FIELD: Record<UsageDimension, 'model' | 'mode' | 'resolution' | 'serviceTier' | 'clientId'> = {
  [UsageDimension.MODEL]: 'model',
  [UsageDimension.MODE]: 'mode',
  [UsageDimension.RESOLUTION]: 'resolution',
  [UsageDimension.SERVICE_TIER]: 'serviceTier',
  [UsageDimension.CLIENT]: 'clientId',
};

/** What the report must be, given which tasks exist and which of them finished how. */
function expected(
  tasks: readonly WorkloadTask[],
  finished: ReadonlyMap<string, Outcome>,
  query: Required<Omit<UsageReportQuery, 'clientId'>> & { clients: readonly string[] },
) {
  const fromMs = query.from.getTime();
  const toMs = query.to.getTime();
  const totals = zero();
  const buckets = new Map<
    string,
    { start: number; end: number; group: Record<string, string | null>; totals: OracleTotals }
  >();
  for (const task of tasks) {
    const { spec } = task;
    if (!query.clients.includes(spec.clientId) || spec.createdAtMs < fromMs || spec.createdAtMs >= toMs) continue;
    const start = Math.max(fromMs, bucketStart(spec.createdAtMs, query.granularity!, fromMs));
    const end = Math.min(
      toMs,
      bucketEnd(bucketStart(spec.createdAtMs, query.granularity!, fromMs), query.granularity!, toMs),
    );
    const values: Record<string, string> = {
      model:
        spec.mode === GenerationMode.TEXT_TO_VIDEO
          ? VideoModel.SPARK_DANCE_V1_0_LITE_T2V
          : VideoModel.SPARK_DANCE_V1_0_LITE_I2V,
      mode: spec.mode!,
      resolution: spec.resolution!,
      serviceTier: spec.serviceTier!,
      clientId: spec.clientId,
    };
    const group: Record<string, string | null> = {
      model: null,
      mode: null,
      resolution: null,
      serviceTier: null,
      clientId: null,
    };
    for (const dimension of query.groupBy!) group[FIELD[dimension]] = values[FIELD[dimension]]!;
    const key = JSON.stringify([start, group]);
    if (!buckets.has(key)) buckets.set(key, { start, end, group, totals: zero() });
    add(buckets.get(key)!.totals, task, finished.get(spec.id));
    add(totals, task, finished.get(spec.id));
  }
  const order = (
    a: { start: number; group: Record<string, string | null> },
    b: { start: number; group: Record<string, string | null> },
  ) => {
    if (a.start !== b.start) return a.start - b.start;
    for (const dimension of query.groupBy!) {
      const field = FIELD[dimension];
      const x = a.group[field]!;
      const y = b.group[field]!;
      const byEnum =
        field === 'clientId'
          ? x < y
            ? -1
            : x > y
              ? 1
              : 0
          : ENUM_ORDER[field]!.indexOf(x) - ENUM_ORDER[field]!.indexOf(y);
      if (byEnum !== 0) return byEnum;
    }
    return 0;
  };
  return { totals, buckets: [...buckets.values()].sort(order) };
}

/** Compares a report with the oracle: every total of every bucket, and the bucket order. */
function expectReport(report: UsageReport, oracle: ReturnType<typeof expected>): void {
  const shape = ({ videoFrames, ...t }: OracleTotals) => ({
    ...t,
    cost: fromPico(t.cost),
    discount: fromPico(t.discount),
    videoSeconds: videoFrames / 24,
  });
  const actualShape = (t: UsageReport['totals']) => ({
    tasks: t.tasks,
    succeeded: t.succeeded,
    failed: t.failed,
    expired: t.expired,
    cost: t.costUsd,
    discount: t.discountUsd,
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    totalTokens: t.totalTokens,
    generatedVideos: t.generatedVideos,
    videoSeconds: t.videoSeconds,
  });
  expect(actualShape(report.totals)).toEqual(shape(oracle.totals));
  expect(
    report.buckets.map((b) => ({
      start: b.start,
      end: b.end,
      group: {
        model: b.model,
        mode: b.mode,
        resolution: b.resolution,
        serviceTier: b.serviceTier,
        clientId: b.clientId,
      },
      totals: actualShape(b.totals),
    })),
  ).toEqual(
    oracle.buckets.map((b) => ({
      start: new Date(b.start).toISOString(),
      end: new Date(b.end).toISOString(),
      group: b.group,
      totals: shape(b.totals),
    })),
  );
}

// ---------------------------------------------------------------------------------------------

interface Setup {
  opened: TestStore;
  store: GatewayStore;
  service: UsageReportService;
  /** A restart: close, then openStore again on the same data (memory: a new service on the same store). */
  restart(): Promise<void>;
}

const serviceOf = (store: GatewayStore, maxBuckets: number) =>
  new UsageReportService({ usage: store.usage, cache: store.caches.usageReports, maxBuckets });

async function setUp(stores: TestStores, maxBuckets = 1000): Promise<Setup> {
  const opened = await stores.open();
  const setup: Setup = {
    opened,
    store: opened.store,
    service: serviceOf(opened.store, maxBuckets),
    async restart() {
      if (opened.openAgain) {
        await setup.store.close();
        setup.store = await opened.openAgain();
      }
      setup.service = serviceOf(setup.store, maxBuckets);
    },
  };
  return setup;
}

const CLIENTS = ['alice', 'bob', 'carol'] as const;
const QUERIES: Array<{ granularity: UsageGranularity; groupBy: UsageDimension[]; from: Date; to: Date }> = [
  { granularity: UsageGranularity.DAY, groupBy: [], from: new Date(T0), to: new Date(T0 + 3 * DAY) },
  {
    granularity: UsageGranularity.HOUR,
    groupBy: [UsageDimension.MODEL],
    from: new Date(T0 + DAY / 2),
    to: new Date(T0 + 2 * DAY),
  },
  {
    granularity: UsageGranularity.MONTH,
    groupBy: [UsageDimension.MODE, UsageDimension.RESOLUTION],
    from: new Date(T0 - 40 * DAY),
    to: new Date(T0 + 40 * DAY),
  },
  {
    granularity: UsageGranularity.TOTAL,
    groupBy: [UsageDimension.SERVICE_TIER, UsageDimension.MODEL, UsageDimension.RESOLUTION, UsageDimension.MODE],
    from: new Date(T0),
    to: new Date(T0 + 3 * DAY),
  },
  // Unaligned edges: the first and last buckets are cut.
  {
    granularity: UsageGranularity.DAY,
    groupBy: [UsageDimension.RESOLUTION],
    from: new Date(T0 + 13 * 3_600_000 + 1234),
    to: new Date(T0 + 2 * DAY + 7 * 60_000),
  },
];

/** Runs every query for every viewer and compares each with the oracle. */
async function checkAll(
  setup: Setup,
  tasks: readonly WorkloadTask[],
  finished: ReadonlyMap<string, Outcome>,
): Promise<void> {
  for (const query of QUERIES) {
    for (const clientId of CLIENTS) {
      expectReport(
        await setup.service.report(viewerOf(clientId), query),
        expected(tasks, finished, { ...query, clients: [clientId] }),
      );
    }
    expectReport(await setup.service.report(ADMIN, query), expected(tasks, finished, { ...query, clients: CLIENTS }));
    const byClient = { ...query, groupBy: [UsageDimension.CLIENT, ...query.groupBy] };
    expectReport(
      await setup.service.report(ADMIN, byClient),
      expected(tasks, finished, { ...byClient, clients: CLIENTS }),
    );
    expectReport(
      await setup.service.report(ADMIN, { ...query, clientId: 'bob' }),
      expected(tasks, finished, { ...query, clients: ['bob'] }),
    );
  }
}

/** Observes the end of each task `times` times (the poller, a callback, a restart...), the later ones with different outcomes. */
async function finish(
  setup: Setup,
  tasks: readonly WorkloadTask[],
  finished: Map<string, Outcome>,
  times = 3,
): Promise<void> {
  const finishOne = async (task: WorkloadTask, outcome: Outcome): Promise<void> => {
    await setup.store.tasks.update(task.spec.id, observeRunning(T0 + 3 * DAY));
    for (let i = 0; i < times; i += 1) {
      const observed: Outcome =
        i === 0
          ? outcome
          : i % 2
            ? { status: VideoTaskStatus.FAILED }
            : { status: VideoTaskStatus.SUCCEEDED, costUsd: '1000' };
      await setup.store.tasks.update(task.spec.id, observe(observed, T0 + 3 * DAY + i));
    }
    finished.set(task.spec.id, outcome);
  };
  // Twenty tasks at a time, as a poller's concurrent reads would finish them.
  for (let start = 0; start < tasks.length; start += 20) {
    await Promise.all(
      tasks.slice(start, start + 20).map((task) => (task.outcome ? finishOne(task, task.outcome) : undefined)),
    );
  }
}

/** A task of alice created at `createdAtMs`, already finished with `costUsd`. */
const succeededTask = (id: string, createdAtMs: number, costUsd: string) =>
  finishedTask({ id, clientId: 'alice', createdAtMs }, { status: VideoTaskStatus.SUCCEEDED, costUsd });

const tasks = workload(11, 600, { clients: CLIENTS, startMs: T0, spanMs: 3 * DAY, unfinishedShare: 0.1 });

describeEachEngine('UsageReportService', (stores) => {
  it('matches an independent sum for every bucket and grouping; restarts and duplicate end observations in the middle change nothing', async () => {
    const setup = await setUp(stores);
    // Submitted in one bulk insert (the import path; the same rows as 600 inserts, in one transaction).
    expect(await setup.store.tasks.insertMany(tasks.map((task) => submittedTask(task.spec)))).toBe(600);
    const finished = new Map<string, Outcome>();
    // Nothing finished yet: every task counts as submitted; the reports cached now list them all as pending.
    await checkAll(setup, tasks, finished);

    await finish(setup, tasks.slice(0, 300), finished);
    await checkAll(setup, tasks, finished);

    await setup.restart();
    await checkAll(setup, tasks, finished);

    await finish(setup, tasks.slice(300), finished);
    await setup.restart();
    await finish(setup, tasks, new Map(), 2); // every end observed again after the restart: ignored
    await checkAll(setup, tasks, finished);

    // The cache changes nothing: the same reports computed from scratch.
    await setup.store.caches.usageReports.clear();
    await checkAll(setup, tasks, finished);
  });

  it('sums 200 tasks of "0.1" to exactly "20"', async () => {
    const setup = await setUp(stores);
    for (let i = 0; i < 200; i += 1) await setup.store.tasks.insert(succeededTask(`vt_${i}`, T0 + i, '0.1'));
    const report = await setup.service.report(viewerOf('alice'), {
      from: new Date(T0),
      to: new Date(T0 + DAY),
      granularity: UsageGranularity.TOTAL,
    });
    expect(report.totals).toMatchObject({ tasks: 200, succeeded: 200, costUsd: '20' });
    expect(report.buckets).toHaveLength(1);
  });

  it('answers a second identical report from the cache, without the grouped query', async () => {
    const setup = await setUp(stores);
    await setup.store.tasks.insertMany(tasks.slice(0, 100).map((task) => submittedTask(task.spec)));
    await finish(setup, tasks.slice(0, 100), new Map(), 1);
    const query = {
      from: new Date(T0),
      to: new Date(T0 + 3 * DAY),
      granularity: UsageGranularity.DAY,
      groupBy: [UsageDimension.MODEL],
    };
    const sums = jest.spyOn(setup.store.usage, 'sums');
    const first = await setup.service.report(viewerOf('alice'), query);
    expect(sums).toHaveBeenCalledTimes(1);
    expect(await setup.service.report(viewerOf('alice'), query)).toEqual(first);
    expect(sums).toHaveBeenCalledTimes(1);
    // Another viewer or query is another report.
    await setup.service.report(viewerOf('bob'), query);
    expect(sums).toHaveBeenCalledTimes(2);
  });

  it('never serves a stale report: a task of a reported day submitted or finished shows in the next report', async () => {
    const setup = await setUp(stores);
    const sums = jest.spyOn(setup.store.usage, 'sums');
    const query = { from: new Date(T0), to: new Date(T0 + DAY), granularity: UsageGranularity.HOUR };
    const totals = async () => (await setup.service.report(viewerOf('alice'), query)).totals;
    await setup.store.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 + 10 * 3_600_000 }));
    expect(await totals()).toMatchObject({ tasks: 1, succeeded: 0, costUsd: '0' });
    expect(await totals()).toMatchObject({ tasks: 1 });
    expect(sums).toHaveBeenCalledTimes(1);

    await setup.store.tasks.insert(
      submittedTask({ id: 'vt_2', clientId: 'alice', createdAtMs: T0 + 10 * 3_600_000 + 1 }),
    );
    expect(await totals()).toMatchObject({ tasks: 2, succeeded: 0 });
    await setup.store.tasks.update(
      'vt_1',
      observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.0375' }, T0 + 11 * 3_600_000),
    );
    expect(await totals()).toMatchObject({ tasks: 2, succeeded: 1, costUsd: '0.0375' });
    await setup.store.tasks.update(
      'vt_2',
      observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '1.23456789' }, T0 + 2 * DAY),
    );
    expect(await totals()).toMatchObject({ tasks: 2, succeeded: 2, costUsd: '1.27206789' });
    expect(sums).toHaveBeenCalledTimes(4);

    // A write to another day leaves the cached report of this one in place.
    await setup.store.tasks.insert(succeededTask('vt_other_day', T0 + DAY + 5, '7'));
    expect(await totals()).toMatchObject({ tasks: 2, costUsd: '1.27206789' });
    expect(sums).toHaveBeenCalledTimes(4);
  });

  it('counts tasks stored late into an already cached day (an import, one by one or in bulk)', async () => {
    const setup = await setUp(stores);
    const query = { from: new Date(T0), to: new Date(T0 + DAY), granularity: UsageGranularity.DAY };
    await setup.store.tasks.insert(succeededTask('vt_1', T0 + 1, '0.1'));
    expect((await setup.service.report(viewerOf('alice'), query)).totals.costUsd).toBe('0.1');
    await setup.store.tasks.insert(succeededTask('vt_2', T0 + 3_600_000, '0.2'));
    expect((await setup.service.report(viewerOf('alice'), query)).totals).toMatchObject({ tasks: 2, costUsd: '0.3' });
    expect(
      await setup.store.tasks.insertMany([
        succeededTask('vt_3', T0 + 7_200_000, '0.000001'),
        succeededTask('vt_1', T0 + 1, '0.1'),
      ]),
    ).toBe(1);
    expect((await setup.service.report(viewerOf('alice'), query)).totals).toMatchObject({
      tasks: 3,
      costUsd: '0.300001',
    });
  });

  if (stores.persistent) {
    it('never serves a stale report when the write comes from another store instance on the same data (a second replica)', async () => {
      const setup = await setUp(stores);
      const other = await setup.opened.openAgain!();
      const query = { from: new Date(T0), to: new Date(T0 + DAY), granularity: UsageGranularity.DAY };
      const totals = async () => (await setup.service.report(viewerOf('alice'), query)).totals;
      await setup.store.tasks.insert(succeededTask('vt_1', T0 + 1, '0.1'));
      expect(await totals()).toMatchObject({ tasks: 1, costUsd: '0.1' });
      expect(await totals()).toMatchObject({ tasks: 1, costUsd: '0.1' }); // cached now

      await other.tasks.insert(submittedTask({ id: 'vt_2', clientId: 'alice', createdAtMs: T0 + 2 }));
      expect(await totals()).toMatchObject({ tasks: 2, succeeded: 1, costUsd: '0.1' });
      await other.tasks.update('vt_2', observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.2' }, T0 + 3));
      expect(await totals()).toMatchObject({ tasks: 2, succeeded: 2, costUsd: '0.3' });
      // And the other replica's own report agrees.
      expect((await serviceOf(other, 1000).report(viewerOf('alice'), query)).totals).toMatchObject({
        tasks: 2,
        costUsd: '0.3',
      });
    });
  }

  if (stores.engine === 'postgres') {
    it('counts each task once when two replicas observe every end at the same time', async () => {
      const setup = await setUp(stores);
      const other = await setup.opened.openAgain!();
      const subset = tasks.slice(0, 200);
      await setup.store.tasks.insertMany(subset.map((task) => submittedTask(task.spec)));
      const finished = new Map<string, Outcome>();
      await Promise.all(
        subset.map(async (task) => {
          if (!task.outcome) return;
          const end = observe(task.outcome, T0 + 3 * DAY);
          await Promise.all([
            setup.store.tasks.update(task.spec.id, end),
            other.tasks.update(task.spec.id, end),
            setup.store.tasks.update(task.spec.id, end),
          ]);
          finished.set(task.spec.id, task.outcome);
        }),
      );
      for (const query of [QUERIES[0]!, QUERIES[3]!]) {
        const byClient = { ...query, groupBy: [UsageDimension.CLIENT, ...query.groupBy] };
        expectReport(
          await setup.service.report(ADMIN, byClient),
          expected(subset, finished, { ...byClient, clients: CLIENTS }),
        );
        expectReport(
          await serviceOf(other, 1000).report(ADMIN, byClient),
          expected(subset, finished, { ...byClient, clients: CLIENTS }),
        );
      }
    });
  }

  it('leaves out empty buckets, keeps time order, and reports nothing for a client without tasks', async () => {
    const setup = await setUp(stores);
    for (const [id, day] of [
      ['vt_1', 0],
      ['vt_2', 3],
      ['vt_3', 3],
    ] as const) {
      await setup.store.tasks.insert(submittedTask({ id, clientId: 'alice', createdAtMs: T0 + day * DAY + 5 }));
    }
    const report = await setup.service.report(viewerOf('alice'), { from: new Date(T0), to: new Date(T0 + 7 * DAY) });
    expect(report.granularity).toBe(UsageGranularity.DAY);
    expect(report.buckets.map((b) => [b.start, b.totals.tasks])).toEqual([
      [new Date(T0).toISOString(), 1],
      [new Date(T0 + 3 * DAY).toISOString(), 2],
    ]);
    const none = await setup.service.report(viewerOf('dave'), { from: new Date(T0), to: new Date(T0 + 7 * DAY) });
    expect(none.buckets).toEqual([]);
    expect(none.totals).toMatchObject({ tasks: 0, costUsd: '0', discountUsd: '0', videoSeconds: 0 });
  });

  it('lets only admins choose a client or group by CLIENT', async () => {
    const setup = await setUp(stores);
    const range = { from: new Date(T0), to: new Date(T0 + DAY) };
    await expect(setup.service.report(viewerOf('alice'), { ...range, clientId: 'bob' })).rejects.toBeInstanceOf(
      ForbiddenQueryError,
    );
    await expect(setup.service.report(viewerOf('alice'), { ...range, clientId: 'alice' })).rejects.toBeInstanceOf(
      ForbiddenQueryError,
    );
    await expect(
      setup.service.report(viewerOf('alice'), { ...range, groupBy: [UsageDimension.MODEL, UsageDimension.CLIENT] }),
    ).rejects.toBeInstanceOf(ForbiddenQueryError);
    await expect(
      setup.service.report(ADMIN, { ...range, clientId: 'bob', groupBy: [UsageDimension.CLIENT] }),
    ).resolves.toBeDefined();
  });

  it('refuses inverted ranges and more buckets than configured, with the argument at fault', async () => {
    const setup = await setUp(stores, 48);
    const refusal = async (query: UsageReportQuery) => {
      const error = await setup.service.report(ADMIN, query).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidQueryError);
      return error as InvalidQueryError;
    };
    expect((await refusal({ from: new Date(T0), to: new Date(T0) })).message).toMatch(/later than from/);
    expect((await refusal({ from: new Date(T0 + 1), to: new Date(T0) })).argumentName).toBe('to');
    expect(
      (await refusal({ from: new Date(T0), to: new Date(T0 + 2 * DAY + 1), granularity: UsageGranularity.HOUR }))
        .message,
    ).toMatch(/more than 48 HOUR buckets/);
    await expect(
      setup.service.report(ADMIN, {
        from: new Date(T0),
        to: new Date(T0 + 2 * DAY),
        granularity: UsageGranularity.HOUR,
      }),
    ).resolves.toBeDefined();
    // TOTAL is one bucket however long the range; the years without tasks cost nothing.
    await expect(
      setup.service.report(ADMIN, {
        from: new Date(0),
        to: new Date('9999-01-01T00:00:00Z'),
        granularity: UsageGranularity.TOTAL,
      }),
    ).resolves.toBeDefined();
  });
});

test('refuses a non-positive bucket limit', () => {
  expect(
    () =>
      new UsageReportService({
        usage: { sums: jest.fn(), versionsOf: jest.fn() },
        cache: new Keyv<string>(),
        maxBuckets: 0,
      }),
  ).toThrow(RangeError);
});
