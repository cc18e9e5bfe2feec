import { applyObservation } from '../../src/domain/apply-snapshot';
import { GenerationMode, modelForMode } from '../../src/domain/generation-mode';
import { ServiceTier, VideoResolution } from '../../src/domain/generation-options';
import { VideoTaskStatus } from '../../src/domain/task-status';
import type { TaskUsage, VideoTask } from '../../src/domain/video-task';
import { queuedTask } from './fixtures';

/** A small deterministic PRNG (mulberry32), so a failing randomized test can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One of `values`, drawn with `random`. */
export function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

/** What a test task looks like; everything but the id and client has a default. */
export interface TaskSpec {
  id: string;
  clientId: string;
  createdAtMs: number;
  mode?: GenerationMode;
  resolution?: VideoResolution;
  serviceTier?: ServiceTier;
  durationSeconds?: number;
}

/** A just-submitted (QUEUED) task as GenerationService stores it. */
export function submittedTask(spec: TaskSpec): VideoTask {
  const mode = spec.mode ?? GenerationMode.TEXT_TO_VIDEO;
  const base = queuedTask({ id: spec.id, clientId: spec.clientId, upstreamTaskId: `up-${spec.id}` }, spec.createdAtMs);
  const durationSeconds = spec.durationSeconds ?? 5;
  return {
    ...base,
    mode,
    model: modelForMode(mode),
    options: {
      ...base.options,
      resolution: spec.resolution ?? VideoResolution.P720,
      serviceTier: spec.serviceTier ?? ServiceTier.DEFAULT,
      duration: Number.isInteger(durationSeconds) ? durationSeconds : null,
      frames: Number.isInteger(durationSeconds) ? null : Math.round(durationSeconds * 24),
      durationSeconds,
    },
  };
}

/** How a test task ends. */
export type Outcome =
  | {
      status: VideoTaskStatus.SUCCEEDED;
      costUsd: string;
      discountUsd?: string;
      inputTokens?: number;
      outputTokens?: number;
      videos?: number;
    }
  | { status: VideoTaskStatus.FAILED | VideoTaskStatus.EXPIRED };

/** The usage block the upstream reports for a success. */
export function usageOf(outcome: Extract<Outcome, { status: VideoTaskStatus.SUCCEEDED }>): TaskUsage {
  const inputTokens = outcome.inputTokens ?? 0;
  const outputTokens = outcome.outputTokens ?? 1000;
  return {
    costUsd: outcome.costUsd,
    discountUsd: outcome.discountUsd ?? '0',
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    generatedVideos: outcome.videos ?? 1,
  };
}

/**
 * The change the poller makes when it observes `outcome` (through the domain's
 * applyObservation, so the test exercises the same state machine): null once the task is
 * already finished, exactly like a duplicate observation in production.
 */
export function observe(outcome: Outcome, atMs: number): (current: VideoTask) => VideoTask | null {
  return (current) =>
    applyObservation(
      current,
      outcome.status === VideoTaskStatus.SUCCEEDED
        ? {
            status: outcome.status,
            videos: Array.from({ length: outcome.videos ?? 1 }, (_, i) => ({
              url: `https://cdn.example.com/${current.id}-${i}.mp4`,
              sizeBytes: null,
              jobId: null,
              durationSeconds: current.options.durationSeconds,
              format: 'mp4',
              resolution: current.options.resolution,
              ratio: '16:9',
              fps: 24,
            })),
            lastFrameUrl: null,
            usage: usageOf(outcome),
            error: null,
          }
        : {
            status: outcome.status,
            videos: [],
            lastFrameUrl: null,
            usage: null,
            error: {
              code: outcome.status === VideoTaskStatus.FAILED ? 'GENERATION_FAILED' : 'TASK_EXPIRED',
              upstreamCode: null,
              message: 'no video',
              retryable: false,
            },
          },
      new Date(atMs).toISOString(),
    );
}

/** The change the poller makes when a task starts running. */
export function observeRunning(atMs: number): (current: VideoTask) => VideoTask | null {
  return (current) =>
    applyObservation(
      current,
      { status: VideoTaskStatus.RUNNING, videos: [], lastFrameUrl: null, usage: null, error: null },
      new Date(atMs).toISOString(),
    );
}

/** Costs that break float arithmetic and exercise every scale. */
export const AWKWARD_COSTS = ['0.1', '0.0375', '1.23456789', '0.2', '0.3', '0.000001', '12.5', '0'] as const;

/** One task of a generated workload, and how (and whether) it ends. */
export interface WorkloadTask {
  spec: TaskSpec;
  /** Undefined: still running at the end of the workload. */
  outcome: Outcome | undefined;
}

/**
 * A varied workload: several clients, every mode, resolution and tier, awkward costs,
 * failures and expiries without usage, some tasks left unfinished; creation times spread
 * over `spanMs` from `startMs` (several share a millisecond).
 */
export function workload(
  seed: number,
  count: number,
  options: { clients: readonly string[]; startMs: number; spanMs: number; unfinishedShare?: number },
): WorkloadTask[] {
  const random = prng(seed);
  const modes = Object.values(GenerationMode);
  const tiers = Object.values(ServiceTier);
  return Array.from({ length: count }, (_, i) => {
    const mode = pick(random, modes);
    // Reference images do not support 1080p.
    const resolutions =
      mode === GenerationMode.REFERENCE_IMAGES
        ? [VideoResolution.P480, VideoResolution.P720]
        : Object.values(VideoResolution);
    // Quantized, so that ties in the same millisecond happen.
    const createdAtMs = options.startMs + Math.floor((random() * options.spanMs) / 1000) * 1000;
    const spec: TaskSpec = {
      id: `vt_${seed}_${String(i).padStart(6, '0')}`,
      clientId: pick(random, options.clients),
      createdAtMs,
      mode,
      resolution: pick(random, resolutions),
      serviceTier: pick(random, tiers),
      durationSeconds: pick(random, [5, 2.375, 12, 1.2083333333333333]),
    };
    const roll = random();
    const unfinished = options.unfinishedShare ?? 0.1;
    let outcome: Outcome | undefined;
    if (roll < unfinished) outcome = undefined;
    else if (roll < unfinished + 0.12) outcome = { status: VideoTaskStatus.FAILED };
    else if (roll < unfinished + 0.18) outcome = { status: VideoTaskStatus.EXPIRED };
    else {
      outcome = {
        status: VideoTaskStatus.SUCCEEDED,
        costUsd: pick(random, AWKWARD_COSTS),
        discountUsd: pick(random, ['0', '0.05', '0.0125']),
        inputTokens: pick(random, [0, 1000, 2000]),
        outputTokens: Math.floor(random() * 300_000),
        videos: pick(random, [1, 1, 1, 2]),
      };
    }
    return { spec, outcome };
  });
}
