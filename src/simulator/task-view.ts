/**
 * The wire JSON of a task (`GET /v1/video/generations/{id}` and callbacks), following the
 * docs' "Response Format": `output` and `usage` only when completed, `error` only when failed.
 */
import { computeUsage, frameCount, frameSize, resolvedRatio, type SimUsage } from './pricing';
import type { SimTask, TaskFailure, TaskState } from './task-book';
import {
  WIRE_LIMITS,
  type SimGenerationMode,
  type SimModel,
  type SimResolution,
  type SimServiceTier,
  type SimTaskStatus,
} from './wire-values';

/** A generated video inside `output[].content`. */
export interface WireVideoItem {
  type: 'video';
  url: string;
  /** Bytes a real encode of this request would have (the sample file served is smaller). */
  size: number;
  jobId: string;
  /** Whole seconds, rounded. */
  duration: number;
  format: 'mp4';
  resolution: SimResolution;
  ratio: string;
  fps: number;
}

/** The last frame, when `return_last_frame` was true. */
export interface WireImageItem {
  type: 'image';
  url: string;
}

/** A task on the wire. */
export interface WireTask {
  id: string;
  model: SimModel;
  status: SimTaskStatus;
  /** Unix seconds. */
  created_at: number;
  updated_at: number;
  output?: Array<{ content: Array<WireVideoItem | WireImageItem> }>;
  usage?: SimUsage;
  error?: TaskFailure;
  metadata: {
    generation_mode: SimGenerationMode;
    service_tier: SimServiceTier;
    seed: number;
    frames: number;
    /** Unix seconds after which an unfinished task expires. */
    expires_at: number;
  };
}

/** What a create answers. */
export interface WireCreated {
  id: string;
  status: SimTaskStatus;
  created_at: number;
  model: SimModel;
}

const toSeconds = (ms: number): number => Math.floor(ms / 1000);

/** Where the simulator serves result files. */
export const FILES_PATH = '/files';

/** Path of a task's video under the files base URL. */
export function videoPath(taskId: string): string {
  return `/${encodeURIComponent(taskId)}.mp4`;
}

/** Path of a task's last frame under the files base URL. */
export function lastFramePath(taskId: string): string {
  return `/${encodeURIComponent(taskId)}-last.png`;
}

/** The answer to a create. */
export function renderCreated(task: SimTask, state: TaskState): WireCreated {
  return { id: task.id, status: state.status, created_at: toSeconds(task.createdAtMs), model: task.request.model };
}

/** The task as a status read returns it. */
export function renderTask(task: SimTask, state: TaskState, filesBaseUrl: string): WireTask {
  const r = task.request;
  const frames = frameCount(r);
  const view: Omit<WireTask, 'metadata'> = {
    id: task.id,
    model: r.model,
    status: state.status,
    created_at: toSeconds(task.createdAtMs),
    updated_at: toSeconds(state.sinceMs),
  };
  if (state.status === 'completed') {
    const { width, height } = frameSize(r.resolution, r.ratio);
    const video: WireVideoItem = {
      type: 'video',
      url: filesBaseUrl + videoPath(task.id),
      // Roughly the bitrate of a real encode, and stable for a given request.
      size: Math.floor((width * height * frames) / 64),
      jobId: `job-${task.id}`,
      duration: Math.round(frames / WIRE_LIMITS.fps),
      format: 'mp4',
      resolution: r.resolution,
      ratio: resolvedRatio(r.ratio),
      fps: WIRE_LIMITS.fps,
    };
    const content: Array<WireVideoItem | WireImageItem> = [video];
    if (r.returnLastFrame) content.push({ type: 'image', url: filesBaseUrl + lastFramePath(task.id) });
    view.output = [{ content }];
    view.usage = computeUsage(r);
  }
  if (state.error) view.error = state.error;
  const metadata = {
    generation_mode: r.mode,
    service_tier: r.serviceTier,
    seed: r.seed,
    frames,
    expires_at: toSeconds(task.expiresAtMs),
  };
  return { ...view, metadata };
}
