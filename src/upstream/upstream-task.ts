import type { GeneratedVideo, TaskError, TaskUsage } from '../domain/video-task';
import type { VideoTaskStatus } from '../domain/task-status';

/** What one status read of the upstream said about a task, in the gateway's terms. */
export interface UpstreamTaskSnapshot {
  upstreamTaskId: string;
  status: VideoTaskStatus;
  videos: GeneratedVideo[];
  lastFrameUrl: string | null;
  usage: TaskUsage | null;
  error: TaskError | null;
}

/** The upstream's answer to a create. */
export interface CreatedUpstreamTask {
  upstreamTaskId: string;
  /** The upstream's `created_at` in ms since the epoch, when it sent one. */
  createdAtMs: number | null;
}
