import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '../../src/config/config';
import { startGateway, type RunningGateway } from '../../src/gateway';
import { createLogger } from '../../src/logger';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

export { freePort };

/** Keys every harness gateway accepts: two ordinary clients and an admin. */
export const KEYS = { alice: 'key-alice', bob: 'key-bob', admin: 'key-admin' } as const;
const SIMULATOR_KEY = 'sim-key';

/** A GraphQL response as the tests read it. */
export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown>; path?: unknown[] }>;
}

/** A simulator and a gateway in front of it, both on loopback with random ports. */
export interface Harness {
  gateway: RunningGateway;
  simulator: RunningSimulator;
  /** GraphQL over HTTP, as `key` (default alice). */
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    key?: string | null,
  ): Promise<GraphQLResponse<T>>;
  /** Polls `videoTask` until its status is one of `statuses`. */
  waitForStatus(taskId: string, statuses: string[], key?: string): Promise<Record<string, any>>;
  /** Stops the gateway only (the store file stays), to start another on it. */
  stopGateway(): Promise<void>;
  /** Starts a fresh gateway on the same store and simulator. */
  restartGateway(): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  store?: 'memory' | 'sqlite';
  /** Upstream callbacks on: PUBLIC_BASE_URL points at this gateway's own port. */
  callbacks?: boolean;
  env?: Record<string, string>;
  simulator?: SimulatorOptions;
  /** As `npm start` with the embedded simulator: its files are served (proxied) at the gateway's /simulator-files/. */
  simulatorFiles?: boolean;
  /** Collects the gateway's log lines (parsed JSON) at LOG_LEVEL (default: silent, nothing). */
  logLines?: Array<Record<string, unknown>>;
  /** Turns tracing on, exporting every span here as it ends. */
  spanExporter?: SpanExporter;
}

/** Starts a simulator and a gateway configured through the same env variables as production. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const port = options.callbacks || options.simulatorFiles ? await freePort() : 0;
  const filesBaseUrl = options.simulatorFiles ? `http://127.0.0.1:${port}/simulator-files` : undefined;
  const simulator = await startSimulator({
    queueMs: 30,
    runMs: 60,
    ...options.simulator,
    apiKey: SIMULATOR_KEY,
    filesBaseUrl,
  });
  const dir = options.store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'gateway-test-')) : undefined;
  const env = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    ...(options.callbacks
      ? { PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, CALLBACK_SECRET: 'a-test-secret-of-at-least-32-characters' }
      : {}),
    LOG_LEVEL: 'silent',
    STORE_URL: dir ? `sqlite://${join(dir, 'gateway.sqlite')}` : 'memory://',
    // The simulator stands in for the real API, configured the way the real one is.
    SPARK_DANCE_API_KEY: SIMULATOR_KEY,
    SPARK_DANCE_BASE_URL: simulator.url,
    GATEWAY_API_KEYS: `${KEYS.alice}:alice,${KEYS.bob}:bob,${KEYS.admin}:ops:admin`,
    POLL_MIN_INTERVAL_MS: '20',
    POLL_MAX_INTERVAL_MS: '80',
    POLL_NOT_FOUND_CONFIRM_MS: '100',
    SPARK_DANCE_TIMEOUT_MS: '2000',
    ...options.env,
  };
  const config = loadConfig(env);
  const lines = options.logLines;
  const logger = createLogger(
    lines ? (options.env?.LOG_LEVEL ?? 'info') : env.LOG_LEVEL,
    lines ? { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } : undefined,
  );
  const simulatorFilesUrl = filesBaseUrl ? `${simulator.url}/files` : undefined;
  const upstream = { baseUrl: simulator.url, apiKey: SIMULATOR_KEY, simulatorFilesUrl };
  const start = () => startGateway(config, upstream, logger, { spanExporter: options.spanExporter });
  let gateway = await start();
  let gatewayRunning = true;

  const harness: Harness = {
    get gateway() {
      return gateway;
    },
    simulator,
    async gql(query, variables, key = KEYS.alice) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
      return { status: response.status, ...body } as GraphQLResponse<any>;
    },
    async waitForStatus(taskId, statuses, key = KEYS.alice) {
      const result = await waitFor(
        () => harness.gql(`query($id: ID!) { videoTask(id: $id) { ${TASK_FIELDS} } }`, { id: taskId }, key),
        (r) => statuses.includes(r.data?.videoTask?.status),
        { what: `task ${taskId} to reach ${statuses.join('|')}` },
      );
      return result.data!.videoTask;
    },
    async stopGateway() {
      if (gatewayRunning) await gateway.stop();
      gatewayRunning = false;
    },
    async restartGateway() {
      await harness.stopGateway();
      gateway = await start();
      gatewayRunning = true;
    },
    async stop() {
      await harness.stopGateway();
      await simulator.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Every field of VideoTask, for tests that look at whole tasks. */
export const TASK_FIELDS = `
  id revision upstreamTaskId model mode status prompt
  images { role url mimeType width height sizeBytes sha256 }
  options { resolution ratio durationSeconds frames seed cameraFixed watermark returnLastFrame serviceTier executionExpiresAfter }
  createdAt updatedAt finishedAt expiresAt
  videos { url sizeBytes jobId durationSeconds format resolution ratio fps }
  lastFrameUrl
  usage { costUsd discountUsd inputTokens outputTokens totalTokens generatedVideos }
  error { code upstreamCode message retryable }
  syncedAt
`;

/** The mutation with every result branch selected. */
export const GENERATE = `
  mutation Generate($input: GenerateVideoInput!, $key: String) {
    generateVideo(input: $input, idempotencyKey: $key) {
      __typename
      ... on GenerateVideoSuccess { replayed warnings task { ${TASK_FIELDS} } }
      ... on InvalidInputError { code message issues { path code message } }
      ... on UpstreamError { code message upstreamCode retryable taskId }
      ... on RateLimitedError { code message retryAfterSeconds }
    }
  }
`;
