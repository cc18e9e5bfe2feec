import { join } from 'node:path';
import { GenerationMode, VideoModel } from '../../src/domain/generation-mode';
import { ServiceTier, VideoResolution } from '../../src/domain/generation-options';
import { VideoTaskStatus } from '../../src/domain/task-status';
import { UsageDimension } from '../../src/domain/usage-dimension';
import { UsageGranularity } from '../../src/domain/usage-granularity';
import { ForbiddenQueryError, InvalidQueryError } from '../../src/services/query-errors';
import { UsageReportService, type UsageReport, type UsageReportQuery, type UsageViewer } from '../../src/services/usage-report-service';
import { openKeyvStores } from '../../src/store/keyv-factory';
import { createIndexedRepositories, INDEXED_STORE_NAMESPACES, openIndexedStore, type IndexedRepositories, type IndexedStoreKeyvs } from '../../src/store/open-indexed-store';
import { PERIOD_SETTLE_MS } from '../../src/store/usage-cell-cache';
import { useTempDir } from '../store/temp-dir';
import { observe, observeRunning, submittedTask, usageOf, workload, type Outcome, type WorkloadTask } from '../support/usage-fixtures';

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
const zero = (): OracleTotals => ({ tasks: 0, succeeded: 0, failed: 0, expired: 0, cost: 0n, discount: 0n, inputTokens: 0, outputTokens: 0, totalTokens: 0, generatedVideos: 0, videoFrames: 0 });

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
function expected(tasks: readonly WorkloadTask[], finished: ReadonlyMap<string, Outcome>, query: Required<Omit<UsageReportQuery, 'clientId'>> & { clients: readonly string[] }) {
  const fromMs = query.from.getTime();
  const toMs = query.to.getTime();
  const totals = zero();
  const buckets = new Map<string, { start: number; end: number; group: Record<string, string | null>; totals: OracleTotals }>();
  for (const task of tasks) {
    const { spec } = task;
    if (!query.clients.includes(spec.clientId) || spec.createdAtMs < fromMs || spec.createdAtMs >= toMs) continue;
    const start = Math.max(fromMs, bucketStart(spec.createdAtMs, query.granularity!, fromMs));
    const end = Math.min(toMs, bucketEnd(bucketStart(spec.createdAtMs, query.granularity!, fromMs), query.granularity!, toMs));
    const values: Record<string, string> = {
      model: spec.mode === GenerationMode.TEXT_TO_VIDEO ? VideoModel.SPARK_DANCE_V1_0_LITE_T2V : VideoModel.SPARK_DANCE_V1_0_LITE_I2V,
      mode: spec.mode!,
      resolution: spec.resolution!,
      serviceTier: spec.serviceTier!,
      clientId: spec.clientId,
    };
    const group: Record<string, string | null> = { model: null, mode: null, resolution: null, serviceTier: null, clientId: null };
    for (const dimension of query.groupBy!) group[FIELD[dimension]] = values[FIELD[dimension]]!;
    const key = JSON.stringify([start, group]);
    if (!buckets.has(key)) buckets.set(key, { start, end, group, totals: zero() });
    add(buckets.get(key)!.totals, task, finished.get(spec.id));
    add(totals, task, finished.get(spec.id));
  }
  const order = (a: { start: number; group: Record<string, string | null> }, b: { start: number; group: Record<string, string | null> }) => {
    if (a.start !== b.start) return a.start - b.start;
    for (const dimension of query.groupBy!) {
      const field = FIELD[dimension];
      const x = a.group[field]!;
      const y = b.group[field]!;
      const byEnum = field === 'clientId' ? (x < y ? -1 : x > y ? 1 : 0) : ENUM_ORDER[field]!.indexOf(x) - ENUM_ORDER[field]!.indexOf(y);
      if (byEnum !== 0) return byEnum;
    }
    return 0;
  };
  return { totals, buckets: [...buckets.values()].sort(order) };
}

/** Compares a report with the oracle: every total of every bucket, and the bucket order. */
function expectReport(report: UsageReport, oracle: ReturnType<typeof expected>): void {
  const shape = ({ videoFrames, ...t }: OracleTotals) => ({ ...t, cost: fromPico(t.cost), discount: fromPico(t.discount), videoSeconds: videoFrames / 24 });
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
      group: { model: b.model, mode: b.mode, resolution: b.resolution, serviceTier: b.serviceTier, clientId: b.clientId },
      totals: actualShape(b.totals),
    })),
  ).toEqual(
    oracle.buckets.map((b) => ({ start: new Date(b.start).toISOString(), end: new Date(b.end).toISOString(), group: b.group, totals: shape(b.totals) })),
  );
}

// ---------------------------------------------------------------------------------------------

/** A controllable clock. */
function clock(startMs: number) {
  let now = startMs;
  return { now: () => now, set: (ms: number) => (now = ms) };
}

interface Setup {
  keyv: IndexedStoreKeyvs;
  repos: IndexedRepositories;
  service: UsageReportService;
  time: ReturnType<typeof clock>;
  /** A new process on the same data: new repositories (start-up repair included) and service. */
  restart(): Promise<void>;
}

async function setUp(nowMs: number, maxBuckets = 1000): Promise<Setup> {
  const stores = await openKeyvStores({ kind: 'memory' }, INDEXED_STORE_NAMESPACES);
  const time = clock(nowMs);
  const build = async () => {
    const repos = await createIndexedRepositories(stores.keyv, { historyChunkSize: 16, now: time.now });
    const service = new UsageReportService({ history: repos.history, records: repos.usageRecords, cells: repos.usageCells, tasks: repos.tasks, maxBuckets, now: time.now });
    return { repos, service };
  };
  const setup: Setup = {
    keyv: stores.keyv,
    time,
    ...(await build()),
    async restart() {
      Object.assign(setup, await build());
    },
  };
  return setup;
}

const CLIENTS = ['alice', 'bob', 'carol'] as const;
const QUERIES: Array<{ granularity: UsageGranularity; groupBy: UsageDimension[]; from: Date; to: Date }> = [
  { granularity: UsageGranularity.DAY, groupBy: [], from: new Date(T0), to: new Date(T0 + 3 * DAY) },
  { granularity: UsageGranularity.HOUR, groupBy: [UsageDimension.MODEL], from: new Date(T0 + DAY / 2), to: new Date(T0 + 2 * DAY) },
  { granularity: UsageGranularity.MONTH, groupBy: [UsageDimension.MODE, UsageDimension.RESOLUTION], from: new Date(T0 - 40 * DAY), to: new Date(T0 + 40 * DAY) },
  { granularity: UsageGranularity.TOTAL, groupBy: [UsageDimension.SERVICE_TIER, UsageDimension.MODEL, UsageDimension.RESOLUTION, UsageDimension.MODE], from: new Date(T0), to: new Date(T0 + 3 * DAY) },
  // Unaligned edges: the first and last buckets are cut.
  { granularity: UsageGranularity.DAY, groupBy: [UsageDimension.RESOLUTION], from: new Date(T0 + 13 * 3_600_000 + 1234), to: new Date(T0 + 2 * DAY + 7 * 60_000) },
];

/** Runs every query for every viewer and compares each with the oracle. */
async function checkAll(setup: Setup, tasks: readonly WorkloadTask[], finished: ReadonlyMap<string, Outcome>): Promise<void> {
  for (const query of QUERIES) {
    for (const clientId of CLIENTS) {
      expectReport(await setup.service.report(viewerOf(clientId), query), expected(tasks, finished, { ...query, clients: [clientId] }));
    }
    expectReport(await setup.service.report(ADMIN, query), expected(tasks, finished, { ...query, clients: CLIENTS }));
    const byClient = { ...query, groupBy: [UsageDimension.CLIENT, ...query.groupBy] };
    expectReport(await setup.service.report(ADMIN, byClient), expected(tasks, finished, { ...byClient, clients: CLIENTS }));
    expectReport(await setup.service.report(ADMIN, { ...query, clientId: 'bob' }), expected(tasks, finished, { ...query, clients: ['bob'] }));
  }
}

/** Observes the end of each task `times` times (the poller, a callback, a restart...), the later ones with different outcomes. */
async function finish(setup: Setup, tasks: readonly WorkloadTask[], finished: Map<string, Outcome>, times = 3): Promise<void> {
  for (const task of tasks) {
    if (!task.outcome) continue;
    await setup.repos.tasks.update(task.spec.id, observeRunning(T0 + 3 * DAY));
    for (let i = 0; i < times; i += 1) {
      const outcome: Outcome = i === 0 ? task.outcome : i % 2 ? { status: VideoTaskStatus.FAILED } : { status: VideoTaskStatus.SUCCEEDED, costUsd: '1000' };
      await setup.repos.tasks.update(task.spec.id, observe(outcome, T0 + 3 * DAY + i));
    }
    finished.set(task.spec.id, task.outcome);
  }
}

describe('UsageReportService', () => {
  const tasks = workload(11, 600, { clients: CLIENTS, startMs: T0, spanMs: 3 * DAY, unfinishedShare: 0.1 });

  it('matches an independent sum for every bucket and grouping; restarts and duplicate end observations in the middle change nothing', async () => {
    const setup = await setUp(T0 + 4 * DAY);
    for (const task of tasks) await setup.repos.tasks.insert(submittedTask(task.spec));
    const finished = new Map<string, Outcome>();
    // Nothing finished yet: every task counts as submitted; the cells cached now list them all as pending.
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
    await setup.repos.usageCells.clear();
    await checkAll(setup, tasks, finished);
  });

  it('sums 200 tasks of "0.1" to exactly "20"', async () => {
    const setup = await setUp(T0 + DAY);
    for (let i = 0; i < 200; i += 1) {
      await setup.repos.tasks.insert(observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' }, T0 + i + 1)(submittedTask({ id: `vt_${i}`, clientId: 'alice', createdAtMs: T0 + i }))!);
    }
    const report = await setup.service.report(viewerOf('alice'), { from: new Date(T0), to: new Date(T0 + DAY), granularity: UsageGranularity.TOTAL });
    expect(report.totals).toMatchObject({ tasks: 200, succeeded: 200, costUsd: '20' });
    expect(report.buckets).toHaveLength(1);
  });

  it('serves final, finished periods from the cache without reading the history', async () => {
    const setup = await setUp(T0 + 4 * DAY);
    for (const task of tasks) await setup.repos.tasks.insert(submittedTask(task.spec));
    await finish(setup, tasks, new Map(), 1);
    const query = { from: new Date(T0), to: new Date(T0 + 3 * DAY), granularity: UsageGranularity.DAY, groupBy: [UsageDimension.MODEL] };
    const between = jest.spyOn(setup.repos.history, 'between');
    const first = await setup.service.report(viewerOf('alice'), query);
    expect(between).toHaveBeenCalled();
    between.mockClear();
    expect(await setup.service.report(viewerOf('alice'), query)).toEqual(first);
    expect(between).not.toHaveBeenCalled();
  });

  it('keeps the current period live: new tasks and finishes show at once, cached only once final', async () => {
    const now = T0 + 10 * 3_600_000 + 30 * 60_000; // 10:30
    const setup = await setUp(now);
    const query = { from: new Date(T0), to: new Date(T0 + DAY), granularity: UsageGranularity.HOUR };
    await setup.repos.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: now - 60_000 }));
    expect((await setup.service.report(viewerOf('alice'), query)).totals).toMatchObject({ tasks: 1, succeeded: 0, costUsd: '0' });
    await setup.repos.tasks.insert(submittedTask({ id: 'vt_2', clientId: 'alice', createdAtMs: now - 30_000 }));
    await setup.repos.tasks.update('vt_1', observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.0375' }, now));
    expect((await setup.service.report(viewerOf('alice'), query)).totals).toMatchObject({ tasks: 2, succeeded: 1, costUsd: '0.0375' });
    // Hours later, the 10:00 hour is final and cached; vt_2 finishing later still counts, once.
    setup.time.set(now + 5 * 3_600_000);
    expect((await setup.service.report(viewerOf('alice'), query)).totals).toMatchObject({ tasks: 2, succeeded: 1 });
    await setup.repos.tasks.update('vt_2', observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '1.23456789' }, now + 5 * 3_600_000));
    for (let i = 0; i < 2; i += 1) {
      expect((await setup.service.report(viewerOf('alice'), query)).totals).toMatchObject({ tasks: 2, succeeded: 2, costUsd: '1.27206789' });
    }
  });

  it('counts a task stored late into an already cached period (an import)', async () => {
    const setup = await setUp(T0 + 2 * DAY);
    const query = { from: new Date(T0), to: new Date(T0 + DAY), granularity: UsageGranularity.DAY };
    await setup.repos.tasks.insert(observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' }, T0 + 2)(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 + 1 }))!);
    expect((await setup.service.report(viewerOf('alice'), query)).totals.costUsd).toBe('0.1');
    await setup.repos.tasks.insert(observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.2' }, T0 + 2)(submittedTask({ id: 'vt_2', clientId: 'alice', createdAtMs: T0 + 3600_000 }))!);
    expect((await setup.service.report(viewerOf('alice'), query)).totals).toMatchObject({ tasks: 2, costUsd: '0.3' });
  });

  it('leaves out empty buckets, keeps time order, and reports nothing for a client without tasks', async () => {
    const setup = await setUp(T0 + 10 * DAY);
    for (const [id, day] of [
      ['vt_1', 0],
      ['vt_2', 3],
      ['vt_3', 3],
    ] as const) {
      await setup.repos.tasks.insert(submittedTask({ id, clientId: 'alice', createdAtMs: T0 + day * DAY + 5 }));
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
    const setup = await setUp(T0 + DAY);
    const range = { from: new Date(T0), to: new Date(T0 + DAY) };
    await expect(setup.service.report(viewerOf('alice'), { ...range, clientId: 'bob' })).rejects.toBeInstanceOf(ForbiddenQueryError);
    await expect(setup.service.report(viewerOf('alice'), { ...range, clientId: 'alice' })).rejects.toBeInstanceOf(ForbiddenQueryError);
    await expect(setup.service.report(viewerOf('alice'), { ...range, groupBy: [UsageDimension.MODEL, UsageDimension.CLIENT] })).rejects.toBeInstanceOf(ForbiddenQueryError);
    await expect(setup.service.report(ADMIN, { ...range, clientId: 'bob', groupBy: [UsageDimension.CLIENT] })).resolves.toBeDefined();
  });

  it('refuses inverted ranges and more buckets than configured, with the argument at fault', async () => {
    const setup = await setUp(T0 + DAY, 48);
    const refusal = async (query: UsageReportQuery) => {
      const error = await setup.service.report(ADMIN, query).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidQueryError);
      return error as InvalidQueryError;
    };
    expect((await refusal({ from: new Date(T0), to: new Date(T0) })).message).toMatch(/later than from/);
    expect((await refusal({ from: new Date(T0 + 1), to: new Date(T0) })).argumentName).toBe('to');
    expect((await refusal({ from: new Date(T0), to: new Date(T0 + 2 * DAY + 1), granularity: UsageGranularity.HOUR })).message).toMatch(/more than 48 HOUR buckets/);
    await expect(setup.service.report(ADMIN, { from: new Date(T0), to: new Date(T0 + 2 * DAY), granularity: UsageGranularity.HOUR })).resolves.toBeDefined();
    // TOTAL is one bucket however long the range; the years without tasks cost nothing.
    await expect(setup.service.report(ADMIN, { from: new Date(0), to: new Date('9999-01-01T00:00:00Z'), granularity: UsageGranularity.TOTAL })).resolves.toBeDefined();
  });

  describe('on SQLite', () => {
    const tempDir = useTempDir('gateway-usage-report-');

    it('gives the same figures after closing and reopening the store in the middle of the work', async () => {
      const path = join(tempDir(), 'usage.sqlite');
      const subset = tasks.slice(0, 150);
      const finished = new Map<string, Outcome>();
      const now = () => T0 + 4 * DAY;
      const open = async () => {
        const store = await openIndexedStore(`sqlite://${path}`, { now, historyChunkSize: 16 });
        const service = new UsageReportService({ history: store.history, records: store.usageRecords, cells: store.usageCells, tasks: store.tasks, maxBuckets: 1000, now });
        return { store, service };
      };
      const query = { ...QUERIES[0]!, groupBy: [UsageDimension.CLIENT, UsageDimension.RESOLUTION] };
      const check = async (service: UsageReportService) => expectReport(await service.report(ADMIN, query), expected(subset, finished, { ...query, clients: CLIENTS }));

      let { store, service } = await open();
      for (const task of subset) await store.tasks.insert(submittedTask(task.spec));
      await check(service);
      for (const task of subset.slice(0, 70)) {
        if (!task.outcome) continue;
        await store.tasks.update(task.spec.id, observe(task.outcome, T0 + 3 * DAY));
        finished.set(task.spec.id, task.outcome);
      }
      await check(service);
      await store.close();

      ({ store, service } = await open());
      try {
        await check(service);
        for (const task of subset) {
          if (!task.outcome) continue;
          await store.tasks.update(task.spec.id, observe(task.outcome, T0 + 3 * DAY));
          await store.tasks.update(task.spec.id, observe({ status: VideoTaskStatus.EXPIRED }, T0 + 3 * DAY + 1));
          finished.set(task.spec.id, task.outcome);
        }
        await check(service);
      } finally {
        await store.close();
      }
    });
  });
});

// Settle margin sanity: the tests above rely on periods a day old being final.
test('periods are final a few minutes after they end', () => {
  expect(PERIOD_SETTLE_MS).toBeLessThan(3_600_000);
});
