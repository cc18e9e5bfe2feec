/**
 * The embedded stand-in for the Spark Dance API: a real HTTP server on loopback that the
 * gateway talks to exactly as it would to the real upstream.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallbackNotifier } from './callbacks';
import { createControl, type SimulatorControl } from './control';
import { FaultQueue, type FaultRule } from './faults';
import type { SimulatorLogger } from './logger';
import { createRequestListener } from './server';
import { StatsRecorder, type SimulatorStats } from './stats';
import { TaskBook, type SimTask } from './task-book';
import { sampleMedia } from './sample-media';
import { FILES_PATH, renderTask } from './task-view';
import { TimerSet } from './timers';

/** How to start a simulator. Every field is optional. */
export interface SimulatorOptions {
  /** Interface to listen on. Default "127.0.0.1". */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** When set, the API routes require `Authorization: Bearer <apiKey>` (401 otherwise). */
  apiKey?: string;
  /** How long a task stays `pending`. Default 2000 ms. */
  queueMs?: number;
  /** How long a task stays `processing` before it ends. Default 8000 ms. */
  runMs?: number;
  /** Multiplies queueMs and runMs for `service_tier: "flex"`. Default 3. */
  flexFactor?: number;
  /** Clock in epoch milliseconds, for tests that move time by hand. Default `Date.now`. */
  now?: () => number;
  /** How long a callback delivery may take before it counts as failed. Default 5000 ms. */
  callbackTimeoutMs?: number;
  /** Largest accepted request body; beyond it the answer is 413. Default 200 MiB. */
  maxBodyBytes?: number;
  /** pino-like logger; without one the simulator is silent. */
  logger?: SimulatorLogger;
  /**
   * Base of the result file URLs it reports (`{filesBaseUrl}/{taskId}.mp4`), for a proxy that
   * forwards to its `/files` under a stable address. Default: `{url}/files`.
   */
  filesBaseUrl?: string;
}

/** Fault injection on the API routes; see {@link FaultRule} for what a rule does. */
export interface SimulatorFaults {
  /** Appends a rule (validated; throws `FaultRuleError` on a bad rule). */
  add(rule: FaultRule): void;
  /** Removes every pending rule. */
  clear(): void;
  /** Rules not yet used up, with `times` set to what remains. */
  pending(): FaultRule[];
}

/** A started simulator. */
export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:12345` (no trailing slash). */
  url: string;
  port: number;
  faults: SimulatorFaults;
  control: SimulatorControl;
  /** A snapshot of the counters. */
  stats(): SimulatorStats;
  resetStats(): void;
  /** Closes the server and every connection, clears every timer, aborts callbacks. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  queueMs: 2000,
  runMs: 8000,
  flexFactor: 3,
  callbackTimeoutMs: 5000,
  maxBodyBytes: 200 * 1024 * 1024,
} as const;

/** Starts a simulator and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? DEFAULTS.host;
  const port = checkedNumber('port', options.port ?? DEFAULTS.port, 0, 65535, true);
  const queueMs = checkedNumber('queueMs', options.queueMs ?? DEFAULTS.queueMs, 0, Number.MAX_SAFE_INTEGER, false);
  const runMs = checkedNumber('runMs', options.runMs ?? DEFAULTS.runMs, 0, Number.MAX_SAFE_INTEGER, false);
  const flexFactor = checkedNumber('flexFactor', options.flexFactor ?? DEFAULTS.flexFactor, 0, 1_000_000, false);
  const callbackTimeoutMs = checkedNumber(
    'callbackTimeoutMs',
    options.callbackTimeoutMs ?? DEFAULTS.callbackTimeoutMs,
    1,
    600_000,
    true,
  );
  const maxBodyBytes = checkedNumber(
    'maxBodyBytes',
    options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    1,
    Number.MAX_SAFE_INTEGER,
    true,
  );
  if (options.apiKey === '') throw new RangeError('simulator apiKey must not be empty (leave it out to disable auth)');
  const now = options.now ?? Date.now;
  const logger = options.logger;

  let baseUrl = '';
  const timers = new TimerSet();
  const stats = new StatsRecorder();
  const faults = new FaultQueue();
  const book = new TaskBook({ now, queueMs, runMs, flexFactor });
  const filesBaseUrl = (): string => options.filesBaseUrl?.replace(/\/+$/, '') ?? `${baseUrl}${FILES_PATH}`;
  const render = (task: SimTask) => renderTask(task, book.state(task), filesBaseUrl());
  const notifier = new CallbackNotifier({
    book,
    timers,
    stats,
    render,
    timeoutMs: callbackTimeoutMs,
    ...(logger ? { logger } : {}),
  });
  const control = createControl({ book, notifier, render });

  const server = createServer(
    createRequestListener({
      book,
      faults,
      stats,
      control,
      notifier,
      timers,
      maxBodyBytes,
      filesBaseUrl,
      media: sampleMedia(),
      ...(logger ? { logger } : {}),
      ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    }),
  );
  await listen(server, port, host);
  const bound = (server.address() as AddressInfo).port;
  baseUrl = `http://${urlHost(host)}:${bound}`;
  logger?.info({ url: baseUrl, queueMs, runMs, flexFactor, auth: options.apiKey !== undefined }, 'simulator listening');

  let stopping: Promise<void> | undefined;
  return {
    url: baseUrl,
    port: bound,
    faults: { add: (rule) => faults.add(rule), clear: () => faults.clear(), pending: () => faults.pending() },
    control,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    stop: () => {
      stopping ??= close(server, timers, notifier).then(() => logger?.info({ url: baseUrl }, 'simulator stopped'));
      return stopping;
    },
  };
}

function checkedNumber(name: string, value: number, min: number, max: number, integer: boolean): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new RangeError(
      `simulator ${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

/** A host as it must appear in a URL: wildcard binds are reached via loopback, IPv6 in brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function close(server: Server, timers: TimerSet, notifier: CallbackNotifier): Promise<void> {
  timers.clearAll();
  notifier.stop();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets and requests held by a delay fault would otherwise keep close() waiting.
    server.closeAllConnections();
  });
}
