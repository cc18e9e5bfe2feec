import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config';
import { GenerationMode, modelForMode } from '../../src/domain/generation-mode';
import { AspectRatio, ServiceTier, VideoResolution } from '../../src/domain/generation-options';
import { VideoTaskStatus } from '../../src/domain/task-status';
import type { VideoTask } from '../../src/domain/video-task';
import { startGateway } from '../../src/gateway';
import { createLogger } from '../../src/logger';
import { startSimulator } from '../../src/simulator';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { openStore } from '../../src/store/open-store';
import { createTestDatabase } from '../../test/support/postgres';

/**
 * Benchmark target for task history and usage reports: a gateway (production mode) whose
 * store is seeded with BENCH_TASKS tasks (default 100,000) directly through the store's own
 * bulk insert path (usage records, slots and usage versions included), not through the upstream.
 *
 * - BENCH_STORE=sqlite (default): a new SQLite file, seeded before the gateway opens it.
 * - BENCH_STORE=postgres: a new PostgreSQL database on the machine's server (dropped at exit),
 *   seeded the same way.
 * - BENCH_STORE=memory: seeded in the running gateway's in-memory SQLite store.
 *
 * Tasks: BENCH_CLIENT_SHARE (default 0.9) belong to the bench client, the rest to three other
 * clients; creation times spread evenly over the BENCH_DAYS (default 50) days before today
 * (UTC), plus the last hour; every mode, resolution and tier; 85 % succeed with varied
 * costs, 10 % fail, 5 % expire, and the last hour's tasks are still running.
 *
 * Prints `{ key, store }` at once; answers the IPC request `{ type: 'prepare' }` once seeded and
 * serving with `{ url, taskId, pastDay, today, seeded, seedMs }`.
 */
const TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 50);
const CLIENT_SHARE = Number(process.env.BENCH_CLIENT_SHARE ?? 0.9);
const STORE = process.env.BENCH_STORE ?? 'sqlite';
/** Tasks per seeding transaction. */
const SEED_BATCH = 2_000;
/** Runs before this process exits (the bench disconnects): drops a seeded PostgreSQL database. */
let cleanup: () => Promise<void> = async () => undefined;
const DAY_MS = 86_400_000;
const COSTS = ['0.1944', '0.0375', '1.23456789', '0.0972', '0.2592', '0.1'];
const MODES = Object.values(GenerationMode);
const TIERS = Object.values(ServiceTier);

/** Task number i of the seed, deterministic. */
function seedTask(i: number, todayMs: number, nowMs: number): VideoTask {
  const recent = i % 100 === 0; // 1 % in the last hour, still running
  const createdAtMs = recent
    ? nowMs - 1 - Math.floor((i / TASKS) * 3_600_000)
    : todayMs - DAYS * DAY_MS + Math.floor((i / TASKS) * DAYS * DAY_MS);
  const createdAt = new Date(createdAtMs).toISOString();
  const mode = MODES[i % MODES.length]!;
  const resolution =
    mode === GenerationMode.REFERENCE_IMAGES
      ? VideoResolution.P720
      : [VideoResolution.P480, VideoResolution.P720, VideoResolution.P1080][i % 3]!;
  const clientId = i % 1000 < CLIENT_SHARE * 1000 ? 'bench' : `other${i % 3}`;
  const roll = i % 20;
  const status = recent
    ? VideoTaskStatus.RUNNING
    : roll < 17
      ? VideoTaskStatus.SUCCEEDED
      : roll < 19
        ? VideoTaskStatus.FAILED
        : VideoTaskStatus.EXPIRED;
  const finishedAt = recent ? null : new Date(createdAtMs + 60_000).toISOString();
  return {
    id: `vt_bench_${String(i).padStart(7, '0')}`,
    clientId,
    revision: recent ? 2 : 3,
    upstreamTaskId: `cgt-bench-${i}`,
    syncedAt: finishedAt,
    model: modelForMode(mode),
    mode,
    status,
    prompt: 'a red fox running through fresh snow, cinematic, golden hour',
    images: [],
    options: {
      resolution,
      ratio: AspectRatio.RATIO_16_9,
      duration: 5,
      frames: null,
      durationSeconds: 5,
      seed: -1,
      cameraFixed: false,
      watermark: false,
      returnLastFrame: false,
      serviceTier: TIERS[i % TIERS.length]!,
      executionExpiresAfter: 172800,
    },
    createdAt,
    updatedAt: finishedAt ?? createdAt,
    finishedAt,
    expiresAt: new Date(createdAtMs + 172_800_000).toISOString(),
    videos:
      status === VideoTaskStatus.SUCCEEDED
        ? [
            {
              url: `https://cdn.example.com/bench/${i}.mp4`,
              sizeBytes: 2_345_678,
              jobId: null,
              durationSeconds: 5,
              format: 'mp4',
              resolution,
              ratio: '16:9',
              fps: 24,
            },
          ]
        : [],
    lastFrameUrl: null,
    usage:
      status === VideoTaskStatus.SUCCEEDED
        ? {
            costUsd: COSTS[i % COSTS.length]!,
            discountUsd: '0',
            inputTokens: 0,
            outputTokens: 108_000,
            totalTokens: 108_000,
            generatedVideos: 1,
          }
        : null,
    error:
      status === VideoTaskStatus.FAILED || status === VideoTaskStatus.EXPIRED
        ? { code: 'UPSTREAM_GENERATION_FAILED', upstreamCode: null, message: 'failed', retryable: false }
        : null,
  };
}

/**
 * Inserts every seed task through `insertMany`, in creation order (the last hour's tasks last),
 * as a gateway would have stored them over time.
 */
async function seedInto(
  insertMany: (tasks: VideoTask[]) => Promise<number>,
  todayMs: number,
  nowMs: number,
): Promise<void> {
  const order = Array.from({ length: TASKS }, (_, i) => i);
  // Recent tasks are older the larger their number: reversed, they too arrive in creation order.
  const recentLast = [...order.filter((i) => i % 100 !== 0), ...order.filter((i) => i % 100 === 0).reverse()];
  for (let start = 0; start < TASKS; start += SEED_BATCH) {
    await insertMany(recentLast.slice(start, start + SEED_BATCH).map((i) => seedTask(i, todayMs, nowMs)));
  }
}

/** Gathers the query planner's statistics of a seeded store. */
async function analyze(storeUrl: string): Promise<void> {
  if (STORE === 'postgres') {
    const client = new Client({ connectionString: storeUrl });
    await client.connect();
    await client.query('VACUUM ANALYZE');
    await client.end();
  } else if (STORE === 'sqlite') {
    const db = new BetterSqlite3(storeUrl.slice('sqlite://'.length));
    db.exec('ANALYZE');
    db.close();
  }
}

/** The STORE_URL of a new, empty store of the kind asked for. */
async function newStoreUrl(): Promise<string> {
  switch (STORE) {
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'bench-history-'));
      process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
      return `sqlite://${join(dir, 'gateway.sqlite')}`;
    }
    case 'postgres': {
      const database = await createTestDatabase('gw_bench');
      cleanup = () => database.drop();
      return database.url;
    }
    case 'memory':
      return 'memory://';
    default:
      throw new Error(`BENCH_STORE must be sqlite, postgres or memory (got ${STORE})`);
  }
}

/** Seeds the store and starts the gateway on it; resolves to what the benchmark needs to know. */
async function prepare(key: string): Promise<Record<string, unknown>> {
  const nowMs = Date.now();
  const todayMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const storeUrl = await newStoreUrl();
  let seedMs = 0;
  if (STORE !== 'memory') {
    const started = Date.now();
    const store = await openStore(storeUrl);
    await seedInto((tasks) => store.tasks.insertMany(tasks), todayMs, nowMs);
    await store.close();
    // Statistics (and PostgreSQL's visibility map), as autovacuum would keep them on a live store: without
    // this, autovacuum's first pass over the seeded rows runs during the measurement.
    await analyze(storeUrl);
    seedMs = Date.now() - started;
  }

  const simulator = await startSimulator({ apiKey: 'sim', queueMs: 0, runMs: 0 });
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    SPARK_DANCE_API_KEY: 'sim',
    SPARK_DANCE_BASE_URL: simulator.url,
    STORE_URL: storeUrl,
    GATEWAY_API_KEYS: `${key}:bench`,
    // The seeded "running" tasks are not known upstream; keep the poller from reading them during the run.
    POLL_MIN_INTERVAL_MS: '600000',
    POLL_MAX_INTERVAL_MS: '600000',
  });
  const gateway = await startGateway(config, { baseUrl: simulator.url, apiKey: 'sim' }, createLogger('silent'));
  if (STORE === 'memory') {
    const started = Date.now();
    await seedInto((tasks) => gateway.store.tasks.insertMany(tasks), todayMs, nowMs);
    seedMs = Date.now() - started;
  }
  return {
    url: gateway.url,
    seeded: TASKS,
    seedMs,
    taskId: seedTask(TASKS - 2, todayMs, nowMs).id,
    pastDay: new Date(todayMs - 10 * DAY_MS).toISOString(),
    today: new Date(todayMs).toISOString(),
  };
}

/** Ready at once (the parent's start-up deadline is short); seeding happens on its `prepare` request. */
function main(): void {
  const key = 'bench-key';
  // The bench is gone: drop what was seeded, then leave.
  process.on('disconnect', () => void cleanup().finally(() => process.exit(0)));
  process.on('message', (raw) => {
    const request = raw as { id: number; type: 'prepare' };
    if (request.type !== 'prepare') return;
    prepare(key).then(
      (result) => process.send?.({ id: request.id, result }),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
      },
    );
  });
  process.stdout.write(`${JSON.stringify({ key, store: STORE })}\n`);
}

main();
