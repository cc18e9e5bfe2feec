import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { padTo, pngBuffer, toDataUrl } from '../test/support/images';

/** Concurrent generateVideo requests, each with IMAGES images of IMAGE_BYTES bytes. */
const REQUESTS = Number(process.env.BENCH_LARGE_REQUESTS ?? 4);
const IMAGES = 4;
/** Just under the 30 MiB upstream limit. */
const IMAGE_BYTES = Number(process.env.BENCH_IMAGE_BYTES ?? 29 * 1024 * 1024);
const KEY = 'bench-key';
const MIB = 1024 * 1024;
/** Settings compared: the default cap of large requests in flight, and none (all at once). */
const CAPS = (process.env.BENCH_LARGE_CAPS ?? '2,4').split(',').map(Number);

const GENERATE = `mutation($input: GenerateVideoInput!) { generateVideo(input: $input) {
  __typename ... on GenerateVideoSuccess { task { id images { sizeBytes } } } ... on InvalidInputError { issues { path code message } } ... on UpstreamError { code message } } }`;

/** A compiled entry point of this build running as a child, with its JSON log lines. */
interface Child {
  child: ChildProcess;
  /** Resolves with the first JSON line whose `msg` is `msg`. */
  line(msg: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

function start(script: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, [join(__dirname, '..', script)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const seen: Array<Record<string, unknown>> = [];
  const waiting: Array<{ msg: string; resolve: (line: Record<string, unknown>) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    seen.push(line);
    for (const waiter of waiting.filter((w) => w.msg === line.msg)) waiter.resolve(line);
  });
  const exited = once(child, 'exit');
  return {
    child,
    line: (msg) =>
      new Promise((resolve, reject) => {
        const found = seen.find((line) => line.msg === msg);
        if (found) return resolve(found);
        waiting.push({ msg, resolve });
        void exited.then(() => reject(new Error(`${script} exited before logging "${msg}"`)));
      }),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A line of /proc/<pid>/status in bytes (VmRSS: now, VmHWM: peak). */
function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/**
 * `data:image/png;base64,...` of `bytes` bytes: a real PNG header of width x height, then
 * zero filler. The gateway reads format and size from the header and hashes all of it; the
 * upstream (simulator) checks the data URL and the decoded size.
 */
function pngDataUrl(width: number, height: number, bytes: number): string {
  return toDataUrl(padTo(pngBuffer(width, height), bytes), 'png');
}

/** The request bodies, built once as Buffers (the gateway sees them as sent: JSON, images in variables). */
function requestBodies(): Buffer[] {
  const images = [
    pngDataUrl(1920, 1080, IMAGE_BYTES),
    pngDataUrl(1280, 1280, IMAGE_BYTES - 1),
    pngDataUrl(1080, 1920, IMAGE_BYTES - 2),
    pngDataUrl(4000, 3000, IMAGE_BYTES - 3),
  ].slice(0, IMAGES);
  return Array.from({ length: REQUESTS }, (_, i) =>
    Buffer.from(
      JSON.stringify({
        query: GENERATE,
        variables: {
          input: { referenceImages: { images, prompt: `four references, run ${i}`, options: { resolution: 'P720' } } },
        },
      }),
      'utf8',
    ),
  );
}

async function post(url: string, body: Buffer): Promise<{ generateVideo?: { __typename: string } }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body,
  });
  const text = await response.text();
  const parsed = JSON.parse(text) as { data?: { generateVideo?: { __typename: string } }; errors?: unknown };
  if (response.status !== 200 || parsed.errors || parsed.data?.generateVideo?.__typename !== 'GenerateVideoSuccess') {
    throw new Error(`generateVideo failed: HTTP ${response.status} ${text.slice(0, 500)}`);
  }
  return parsed.data;
}

interface Measured {
  cap: number;
  baselineRss: number;
  peakRss: number;
  seconds: number;
}

/** One gateway process (compiled, production mode) against a simulator process; returns its memory. */
async function measure(cap: number, simulatorUrl: string, bodies: Buffer[]): Promise<Measured> {
  const gateway = start('src/main.js', {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    STORE_URL: 'memory://',
    SPARK_DANCE_API_KEY: 'sim',
    SPARK_DANCE_BASE_URL: simulatorUrl,
    GATEWAY_API_KEYS: `${KEY}:bench`,
    MAX_LARGE_REQUESTS_IN_FLIGHT: String(cap),
    // Nothing else on this gateway: keep the poller quiet during the run.
    POLL_MIN_INTERVAL_MS: '60000',
    POLL_MAX_INTERVAL_MS: '60000',
  });
  try {
    const { url } = (await gateway.line('gateway listening')) as { url: string };
    const pid = gateway.child.pid!;
    // Warm-up: one small image generation (JIT, Apollo's caches, the upstream connection).
    await post(
      url,
      Buffer.from(
        JSON.stringify({
          query: GENERATE,
          variables: { input: { referenceImages: { images: [pngDataUrl(640, 480, 4096)] } } },
        }),
      ),
    );
    const baselineRss = statusBytes(pid, 'VmRSS');
    // Resets the peak (VmHWM) to the current RSS, so it covers the run only (Linux >= 4.0).
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    const started = performance.now();
    await Promise.all(bodies.map((body) => post(url, body)));
    const seconds = (performance.now() - started) / 1000;
    return { cap, baselineRss, peakRss: statusBytes(pid, 'VmHWM'), seconds };
  } finally {
    await gateway.stop();
  }
}

/**
 * Large payloads: REQUESTS concurrent `generateVideo` requests over HTTP, each with four images
 * of ~29 MiB as base64 data URLs (reference-images mode), against the compiled gateway in a
 * child process whose upstream is a simulator in another process, so that only the gateway's
 * memory is measured: its peak RSS (VmHWM, reset after a warm-up) against the bytes sent.
 */
export async function benchLargePayload(): Promise<string[]> {
  const bodies = requestBodies();
  const payload = bodies.reduce((sum, body) => sum + body.length, 0);
  const simulator = start('src/simulator/cli.js', {
    SIMULATOR_PORT: '0',
    SIMULATOR_API_KEY: 'sim',
    SIMULATOR_QUEUE_MS: '0',
    SIMULATOR_RUN_MS: '0',
  });
  try {
    const { url } = (await simulator.line('simulator listening')) as { url: string };
    const results: Measured[] = [];
    for (const cap of CAPS) results.push(await measure(cap, url, bodies));
    const mb = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;
    const label = (cap: number) => `${cap}${cap === 2 ? ' (default)' : cap >= REQUESTS ? ' (no waiting)' : ''}`;
    const row = (cells: string[]) =>
      `  ${cells[0]!.padEnd(30)}${cells
        .slice(1)
        .map((cell) => cell.padStart(14))
        .join('')}`;
    return [
      `${REQUESTS} concurrent generateVideo requests over HTTP, ${IMAGES} images of ${(IMAGE_BYTES / MIB).toFixed(0)} MiB each as base64 data URLs;`,
      `payload ${payload} bytes (${mb(payload)}, request bodies summed); RSS of the gateway process only (simulator in its own):`,
      row(['MAX_LARGE_REQUESTS_IN_FLIGHT', 'baseline RSS', 'peak RSS', 'peak/payload', '(peak-base)/p', 'time']),
      ...results.map((r) =>
        row([
          label(r.cap),
          mb(r.baselineRss),
          mb(r.peakRss),
          (r.peakRss / payload).toFixed(2),
          ((r.peakRss - r.baselineRss) / payload).toFixed(2),
          `${r.seconds.toFixed(1)} s`,
        ]),
      ),
      '  (goal: peak/payload < 3; peak = VmHWM after a warm-up request, baseline = VmRSS then)',
    ];
  } finally {
    await simulator.stop();
  }
}
