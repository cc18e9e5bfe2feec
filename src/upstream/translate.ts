/**
 * Translation between the gateway's domain and the wire format, in both directions.
 * Kept apart from the HTTP client so it can be tested without a network.
 */
import type { ValidatedGeneration } from '../domain/generation-request';
import { GenerationMode } from '../domain/generation-mode';
import { decimalFromNumber, normalizeDecimal } from '../domain/money';
import { VideoTaskStatus } from '../domain/task-status';
import type { GeneratedVideo, TaskError, TaskUsage } from '../domain/video-task';
import { UpstreamErrorCode, describeUpstreamCode } from './error-codes';
import { taskExpiredError } from './task-errors';
import { UpstreamRequestError } from './upstream-error';
import type { UpstreamTaskSnapshot } from './upstream-task';
import { wireImageItem, wireVideoItem } from './wire';
import type { WireContentItem, WireCreateRequest, WireTaskResponse } from './wire';

/**
 * The create body for a validated generation. Every resolved option is sent explicitly
 * (so the upstream's defaults can't drift from what the gateway recorded), except where
 * the docs forbid a parameter: `camera_fixed` for reference images, and `duration` when
 * `frames` decides the length.
 */
export function toWireCreateRequest(generation: ValidatedGeneration, callbackUrl?: string): WireCreateRequest {
  const content: WireContentItem[] = [];
  if (generation.prompt !== null) content.push({ type: 'text', text: generation.prompt });
  for (const image of generation.images) {
    content.push({ type: 'image_url', image_url: { url: image.source }, role: image.facts.role });
  }
  const o = generation.options;
  const body: WireCreateRequest = {
    model: generation.model,
    content,
    resolution: o.resolution,
    ratio: o.ratio,
    seed: o.seed,
    watermark: o.watermark,
    return_last_frame: o.returnLastFrame,
    service_tier: o.serviceTier,
    execution_expires_after: o.executionExpiresAfter,
  };
  if (o.frames !== null) body.frames = o.frames;
  else if (o.duration !== null) body.duration = o.duration;
  if (generation.mode !== GenerationMode.REFERENCE_IMAGES) body.camera_fixed = o.cameraFixed;
  if (callbackUrl) body.callback_url = callbackUrl;
  return body;
}

/**
 * Maps the upstream's status words to ours, tolerating the synonyms seen across versions.
 * Returns undefined for a word it does not know (the caller treats that as malformed).
 */
export function statusFromWire(status: string): VideoTaskStatus | undefined {
  switch (status.trim().toLowerCase()) {
    case 'pending':
    case 'queued':
      return VideoTaskStatus.QUEUED;
    case 'processing':
    case 'running':
    case 'in_progress':
      return VideoTaskStatus.RUNNING;
    case 'completed':
    case 'succeeded':
      return VideoTaskStatus.SUCCEEDED;
    case 'failed':
      return VideoTaskStatus.FAILED;
    case 'expired':
      return VideoTaskStatus.EXPIRED;
    default:
      return undefined;
  }
}

const money = (value: string | number | null | undefined): string =>
  value === null || value === undefined
    ? '0'
    : typeof value === 'number'
      ? decimalFromNumber(value)
      : normalizeDecimal(value);

const orNull = <T>(value: T | null | undefined): T | null => (value === undefined ? null : value);

/** A task error from an upstream `error` object, through the one code table. */
export function taskErrorFromWire(
  error: { code?: string | null; error_message?: string | null; message?: string | null } | null | undefined,
): TaskError {
  const upstreamCode = error?.code ?? null;
  const known = upstreamCode ? describeUpstreamCode(upstreamCode) : undefined;
  return {
    code: known?.code ?? UpstreamErrorCode.UNKNOWN,
    upstreamCode,
    message:
      error?.error_message ?? error?.message ?? known?.description ?? 'the upstream reported a failure without details',
    retryable: known?.retryable ?? true,
  };
}

/** A status read's body in the gateway's terms. Throws a `malformed` error for an unknown status. */
export function snapshotFromWire(body: WireTaskResponse): UpstreamTaskSnapshot {
  const status = statusFromWire(body.status);
  if (status === undefined) {
    throw new UpstreamRequestError({
      kind: 'malformed',
      code: UpstreamErrorCode.MALFORMED_RESPONSE,
      message: `unknown upstream task status ${JSON.stringify(body.status.slice(0, 40))}`,
    });
  }
  const videos: GeneratedVideo[] = [];
  let lastFrameUrl: string | null = null;
  for (const output of body.output ?? []) {
    for (const item of output.content ?? []) {
      const video = wireVideoItem.safeParse(item);
      if (video.success) {
        const v = video.data;
        videos.push({
          url: v.url,
          sizeBytes: orNull(v.size),
          jobId: orNull(v.jobId),
          durationSeconds: orNull(v.duration),
          format: orNull(v.format),
          resolution: orNull(v.resolution),
          ratio: orNull(v.ratio),
          fps: orNull(v.fps),
        });
        continue;
      }
      const image = wireImageItem.safeParse(item);
      if (image.success) lastFrameUrl = image.data.url;
    }
  }
  let usage: TaskUsage | null = null;
  if (body.usage && status === VideoTaskStatus.SUCCEEDED) {
    const u = body.usage;
    const inputTokens = u.input_tokens ?? 0;
    const outputTokens = u.output_tokens ?? 0;
    usage = {
      costUsd: money(u.cost),
      discountUsd: money(u.discount),
      inputTokens,
      outputTokens,
      totalTokens: u.total_tokens ?? inputTokens + outputTokens,
      generatedVideos: u.generated_videos ?? videos.length,
    };
  }
  let error: TaskError | null = null;
  if (status === VideoTaskStatus.FAILED) error = taskErrorFromWire(body.error);
  if (status === VideoTaskStatus.EXPIRED) {
    error = taskExpiredError({
      upstreamCode: body.error?.code,
      message: body.error?.error_message ?? 'the upstream expired the task before it finished',
    });
  }
  return { upstreamTaskId: String(body.id ?? body.task_id), status, videos, lastFrameUrl, usage, error };
}
