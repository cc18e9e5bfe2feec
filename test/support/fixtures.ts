import { GenerationMode, VideoModel } from '../../src/domain/generation-mode';
import { AspectRatio, ServiceTier, VideoResolution, type ResolvedOptions } from '../../src/domain/generation-options';
import type { ValidatedGeneration } from '../../src/domain/generation-request';
import { VideoTaskStatus } from '../../src/domain/task-status';
import type { VideoTask } from '../../src/domain/video-task';

/** The options a text-to-video request resolves to when it sets none (the docs' defaults). */
export const DEFAULT_T2V_OPTIONS: ResolvedOptions = Object.freeze({
  resolution: VideoResolution.P720,
  ratio: AspectRatio.RATIO_16_9,
  duration: 5,
  frames: null,
  durationSeconds: 5,
  seed: -1,
  cameraFixed: false,
  watermark: false,
  returnLastFrame: false,
  serviceTier: ServiceTier.DEFAULT,
  executionExpiresAfter: 172800,
});

/** A validated text-to-video generation with default options. */
export function t2vGeneration(overrides: Partial<ValidatedGeneration> = {}): ValidatedGeneration {
  return {
    mode: GenerationMode.TEXT_TO_VIDEO,
    model: VideoModel.SPARK_DANCE_V1_0_LITE_T2V,
    prompt: 'a lighthouse at dusk',
    images: [],
    warnings: [],
    options: { ...DEFAULT_T2V_OPTIONS },
    ...overrides,
  };
}

/** A just-submitted text-to-video task, created at `createdAtMs`. */
export function queuedTask(
  overrides: Partial<VideoTask> = {},
  createdAtMs = Date.parse('2026-01-01T00:00:00.000Z'),
): VideoTask {
  const createdAt = new Date(createdAtMs).toISOString();
  return {
    id: 'vt_1',
    clientId: 'alice',
    revision: 1,
    upstreamTaskId: 'up',
    model: VideoModel.SPARK_DANCE_V1_0_LITE_T2V,
    mode: GenerationMode.TEXT_TO_VIDEO,
    status: VideoTaskStatus.QUEUED,
    prompt: 'p',
    images: [],
    options: { ...DEFAULT_T2V_OPTIONS },
    createdAt,
    updatedAt: createdAt,
    finishedAt: null,
    expiresAt: new Date(createdAtMs + DEFAULT_T2V_OPTIONS.executionExpiresAfter * 1000).toISOString(),
    videos: [],
    lastFrameUrl: null,
    usage: null,
    error: null,
    syncedAt: null,
    ...overrides,
  };
}
