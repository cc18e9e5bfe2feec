import type { GenerationMode, ImageRole, VideoModel } from './generation-mode';
import type { ResolvedOptions } from './generation-options';
import type { VideoTaskStatus } from './task-status';

/**
 * What the gateway remembers of an input image. Never the base64 payload: a data URL is
 * reduced to its facts (and `url` stays null); an http(s) URL is kept as given.
 */
export interface InputImageFacts {
  role: ImageRole;
  url: string | null;
  mimeType: string | null;
  width: number | null;
  height: number | null;
  sizeBytes: number | null;
  sha256: string | null;
}

/** One generated video as the upstream reported it. */
export interface GeneratedVideo {
  url: string;
  sizeBytes: number | null;
  jobId: string | null;
  durationSeconds: number | null;
  format: string | null;
  resolution: string | null;
  ratio: string | null;
  fps: number | null;
}

/** What a finished task cost; money as exact decimal strings in USD. */
export interface TaskUsage {
  costUsd: string;
  discountUsd: string;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  generatedVideos: number;
}

/** Why a task did not succeed. `code` is symbolic (see the upstream error table). */
export interface TaskError {
  code: string;
  upstreamCode: string | null;
  message: string;
  retryable: boolean;
}

/**
 * A generation as stored by the gateway. `revision` grows by one with every stored change,
 * so readers can order and de-duplicate updates. Times are RFC 3339 UTC strings.
 */
export interface VideoTask {
  id: string;
  clientId: string;
  revision: number;
  /** The upstream's id; null while the create is in flight or its outcome is unknown. */
  upstreamTaskId: string | null;
  model: VideoModel;
  mode: GenerationMode;
  status: VideoTaskStatus;
  prompt: string | null;
  images: InputImageFacts[];
  options: ResolvedOptions;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  expiresAt: string;
  videos: GeneratedVideo[];
  lastFrameUrl: string | null;
  usage: TaskUsage | null;
  error: TaskError | null;
  /** When the upstream was last read successfully for this task (null: never). */
  syncedAt: string | null;
}
