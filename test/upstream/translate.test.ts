import { GenerationMode, ImageRole, VideoModel } from '../../src/domain/generation-mode';
import { AspectRatio, ServiceTier, VideoResolution } from '../../src/domain/generation-options';
import type { ValidatedGeneration } from '../../src/domain/generation-request';
import { VideoTaskStatus } from '../../src/domain/task-status';
import { snapshotFromWire, statusFromWire, toWireCreateRequest } from '../../src/upstream/translate';
import { wireTaskResponse } from '../../src/upstream/wire';

const base: ValidatedGeneration = {
  mode: GenerationMode.REFERENCE_IMAGES,
  model: VideoModel.SPARK_DANCE_V1_0_LITE_I2V,
  prompt: 'p',
  images: [
    {
      source: 'data:image/png;base64,AAAA',
      facts: {
        role: ImageRole.REFERENCE_IMAGE,
        url: null,
        mimeType: 'image/png',
        width: 400,
        height: 400,
        sizeBytes: 3,
        sha256: 'x',
      },
    },
  ],
  warnings: [],
  options: {
    resolution: VideoResolution.P480,
    ratio: AspectRatio.RATIO_1_1,
    duration: null,
    frames: 57,
    durationSeconds: 57 / 24,
    seed: 4294967295,
    cameraFixed: false,
    watermark: true,
    returnLastFrame: false,
    serviceTier: ServiceTier.FLEX,
    executionExpiresAfter: 3600,
  },
};

const parse = (body: unknown) => snapshotFromWire(wireTaskResponse.parse(body));

describe('toWireCreateRequest', () => {
  it('sends the documented snake_case body; frames instead of duration; no camera_fixed for reference images', () => {
    expect(toWireCreateRequest(base, 'https://gw.example/webhooks/spark-dance/t')).toEqual({
      model: 'spark_dance_v1_0_lite_i2v',
      content: [
        { type: 'text', text: 'p' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' }, role: 'reference_image' },
      ],
      resolution: '480p',
      ratio: '1:1',
      frames: 57,
      seed: 4294967295,
      watermark: true,
      return_last_frame: false,
      service_tier: 'flex',
      execution_expires_after: 3600,
      callback_url: 'https://gw.example/webhooks/spark-dance/t',
    });
  });

  it('sends duration and camera_fixed for text-to-video, and no text item without a prompt', () => {
    const body = toWireCreateRequest({
      ...base,
      mode: GenerationMode.TEXT_TO_VIDEO,
      images: [],
      options: { ...base.options, frames: null, duration: 7, cameraFixed: true },
    });
    expect(body).toMatchObject({ duration: 7, camera_fixed: true });
    expect(body).not.toHaveProperty('frames');
    expect(body).not.toHaveProperty('callback_url');
    expect(toWireCreateRequest({ ...base, prompt: null }).content).toEqual([
      expect.objectContaining({ type: 'image_url' }),
    ]);
  });
});

describe('reading status answers', () => {
  it.each([
    ['pending', VideoTaskStatus.QUEUED],
    ['queued', VideoTaskStatus.QUEUED],
    ['processing', VideoTaskStatus.RUNNING],
    ['running', VideoTaskStatus.RUNNING],
    ['in_progress', VideoTaskStatus.RUNNING],
    ['completed', VideoTaskStatus.SUCCEEDED],
    ['SUCCEEDED', VideoTaskStatus.SUCCEEDED],
    ['failed', VideoTaskStatus.FAILED],
    ['expired', VideoTaskStatus.EXPIRED],
  ])('maps %s', (wire, status) => {
    expect(statusFromWire(wire)).toBe(status);
  });

  it('refuses an unknown status as malformed', () => {
    expect(statusFromWire('cancelled')).toBeUndefined();
    expect(() => parse({ id: 'a', status: 'cancelled' })).toThrow(/unknown upstream task status/);
  });

  it('reads a completed task: task_id for id, video and last frame, exact money', () => {
    const snapshot = parse({
      task_id: 'up-1',
      status: 'completed',
      output: [
        {
          content: [
            {
              type: 'video',
              url: 'https://cdn/v.mp4',
              size: 1234,
              jobId: 'j',
              duration: 5,
              format: 'mp4',
              resolution: '720p',
              ratio: '16:9',
              fps: 24,
            },
            { type: 'image', url: 'https://cdn/last.png' },
            { type: 'audio', url: 'https://cdn/a.mp3' },
            { type: 'video' },
          ],
        },
      ],
      usage: {
        cost: '0.1000',
        discount: 0.0375,
        input_tokens: 10,
        output_tokens: 20,
        total_tokens: 30,
        generated_videos: 1,
      },
      extra_field: true,
    });
    expect(snapshot).toEqual({
      upstreamTaskId: 'up-1',
      status: VideoTaskStatus.SUCCEEDED,
      videos: [
        {
          url: 'https://cdn/v.mp4',
          sizeBytes: 1234,
          jobId: 'j',
          durationSeconds: 5,
          format: 'mp4',
          resolution: '720p',
          ratio: '16:9',
          fps: 24,
        },
      ],
      lastFrameUrl: 'https://cdn/last.png',
      usage: {
        costUsd: '0.1',
        discountUsd: '0.0375',
        inputTokens: 10,
        outputTokens: 20,
        totalTokens: 30,
        generatedVideos: 1,
      },
      error: null,
    });
  });

  it('fills usage gaps (the I2V docs list no generated_videos)', () => {
    const snapshot = parse({
      id: 'x',
      status: 'completed',
      output: [{ content: [{ type: 'video', url: 'u' }] }],
      usage: { cost: '1.5', input_tokens: 2, output_tokens: 3 },
    });
    expect(snapshot.usage).toEqual({
      costUsd: '1.5',
      discountUsd: '0',
      inputTokens: 2,
      outputTokens: 3,
      totalTokens: 5,
      generatedVideos: 1,
    });
  });

  it('maps a failed task through the code table, and unknown codes to UPSTREAM_ERROR', () => {
    expect(
      parse({ id: 'x', status: 'failed', error: { code: '003006096', error_message: 'bad result' } }).error,
    ).toEqual({
      code: 'UPSTREAM_RESULT_PARSING_FAILED',
      upstreamCode: '003006096',
      message: 'bad result',
      retryable: true,
    });
    expect(parse({ id: 'x', status: 'failed', error: { code: '42' } }).error).toMatchObject({
      code: 'UPSTREAM_ERROR',
      upstreamCode: '42',
    });
    expect(parse({ id: 'x', status: 'failed' }).error).toMatchObject({ code: 'UPSTREAM_ERROR', upstreamCode: null });
  });

  it('marks an expired task with TASK_EXPIRED', () => {
    expect(parse({ id: 'x', status: 'expired' }).error).toMatchObject({ code: 'TASK_EXPIRED', retryable: true });
  });

  it('refuses bodies without any id', () => {
    expect(wireTaskResponse.safeParse({ status: 'pending' }).success).toBe(false);
  });
});
