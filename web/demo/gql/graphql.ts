/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** How the video is specified: text only, first frame, first and last frame, or 1-4 reference images. */
export type GenerationMode =
  | 'TEXT_TO_VIDEO'
  | 'FIRST_FRAME'
  | 'FIRST_LAST_FRAME'
  | 'REFERENCE_IMAGES';

/** SUBMITTING -> QUEUED -> RUNNING -> SUCCEEDED | FAILED | EXPIRED. The last three are final. OUTCOME_UNKNOWN: the create got no answer saying whether it was accepted (it may be billed); an upstream callback can still resolve it to any later status. */
export type VideoTaskStatus =
  /** The create is on its way upstream; no upstream id yet. */
  | 'SUBMITTING'
  /** The create may have been accepted (and billed) without an answer saying so; listed in unreconciledCreates until a callback resolves it. */
  | 'OUTCOME_UNKNOWN'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'EXPIRED';

/** Output resolution. Reference-image generations do not support P1080. */
export type VideoResolution =
  | 'P480'
  | 'P720'
  | 'P1080';

/** Output aspect ratio. ADAPTIVE follows the input image and exists only for first-frame modes. */
export type AspectRatio =
  | 'RATIO_16_9'
  | 'RATIO_4_3'
  | 'RATIO_1_1'
  | 'RATIO_3_4'
  | 'RATIO_9_16'
  | 'RATIO_21_9'
  | 'ADAPTIVE';

/** DEFAULT is online inference; FLEX is cheaper offline inference that can take much longer. */
export type ServiceTier =
  | 'DEFAULT'
  | 'FLEX';

/** Exactly one mode (@oneOf: GraphQL validation rejects zero or several). */
export type GenerateVideoInput =
  {   textToVideo: TextToVideoInput; firstFrame?: never; firstLastFrame?: never; referenceImages?: never; }
  |  { textToVideo?: never;   firstFrame: FirstFrameInput; firstLastFrame?: never; referenceImages?: never; }
  |  { textToVideo?: never; firstFrame?: never;   firstLastFrame: FirstLastFrameInput; referenceImages?: never; }
  |  { textToVideo?: never; firstFrame?: never; firstLastFrame?: never;   referenceImages: ReferenceImagesInput; };

/** A video from a text prompt. */
export type TextToVideoInput = {
  /** Required, not blank. Over 500 characters is accepted with a warning. */
  prompt: string;
  options?: GenerationOptions | null | undefined;
};

/** Every field is optional; defaults follow the Spark Dance docs. */
export type GenerationOptions = {
  /** Default P720. */
  resolution?: VideoResolution | null | undefined;
  /** Default RATIO_16_9 (text, reference images) or ADAPTIVE (first frame modes). */
  ratio?: AspectRatio | null | undefined;
  /** Seconds, 2..12, default 5. Ignored when frames is given. */
  duration?: number | null | undefined;
  /** 25 + 4n within 29..289; wins over duration. See nearestFrameCount. */
  frames?: number | null | undefined;
  /** -1 (random, default) .. 4294967295. */
  seed?: number | null | undefined;
  /** Default false. Not supported with reference images. */
  cameraFixed?: boolean | null | undefined;
  /** Default false. */
  watermark?: boolean | null | undefined;
  /** Default false. When true the task gets lastFrameUrl. */
  returnLastFrame?: boolean | null | undefined;
  /** Default DEFAULT. */
  serviceTier?: ServiceTier | null | undefined;
  /** Seconds, 3600..259200, default 172800. */
  executionExpiresAfter?: number | null | undefined;
};

/** A video that starts from an image. */
export type FirstFrameInput = {
  /** http(s) URL or data:image/<format>;base64,... (jpeg, png, webp, bmp, tiff, gif). */
  image: string;
  prompt?: string | null | undefined;
  options?: GenerationOptions | null | undefined;
};

/** A video that starts at one image and ends at another. */
export type FirstLastFrameInput = {
  firstFrame: string;
  lastFrame: string;
  prompt?: string | null | undefined;
  options?: GenerationOptions | null | undefined;
};

/** A video guided by 1-4 reference images (no P1080, no ADAPTIVE, no cameraFixed). */
export type ReferenceImagesInput = {
  images: Array<string>;
  prompt?: string | null | undefined;
  options?: GenerationOptions | null | undefined;
};

export type TaskFieldsFragment = { id: string, revision: number, status: VideoTaskStatus, mode: GenerationMode, prompt: string | null, createdAt: string, finishedAt: string | null, expiresAt: string, lastFrameUrl: string | null, options: { resolution: VideoResolution, ratio: AspectRatio, durationSeconds: number, returnLastFrame: boolean }, videos: Array<{ url: string, durationSeconds: number | null }>, usage: { costUsd: string, totalTokens: number } | null, error: { code: string, message: string } | null };

export type GenerateVideoMutationVariables = Exact<{
  input: GenerateVideoInput;
}>;


export type GenerateVideoMutation = { generateVideo:
    | { __typename: 'GenerateVideoSuccess', warnings: Array<string>, task: { id: string, revision: number, status: VideoTaskStatus, mode: GenerationMode, prompt: string | null, createdAt: string, finishedAt: string | null, expiresAt: string, lastFrameUrl: string | null, options: { resolution: VideoResolution, ratio: AspectRatio, durationSeconds: number, returnLastFrame: boolean }, videos: Array<{ url: string, durationSeconds: number | null }>, usage: { costUsd: string, totalTokens: number } | null, error: { code: string, message: string } | null } }
    | { __typename: 'InvalidInputError', code: string, message: string, issues: Array<{ path: Array<string>, code: string, message: string }> }
    | { __typename: 'UpstreamError', code: string, message: string, retryable: boolean }
    | { __typename: 'RateLimitedError', code: string, message: string, retryAfterSeconds: number }
   };

export type TaskUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type TaskUpdatedSubscription = { videoTaskUpdated: { id: string, revision: number, status: VideoTaskStatus, mode: GenerationMode, prompt: string | null, createdAt: string, finishedAt: string | null, expiresAt: string, lastFrameUrl: string | null, options: { resolution: VideoResolution, ratio: AspectRatio, durationSeconds: number, returnLastFrame: boolean }, videos: Array<{ url: string, durationSeconds: number | null }>, usage: { costUsd: string, totalTokens: number } | null, error: { code: string, message: string } | null } };

export type TaskHistoryQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type TaskHistoryQuery = { videoTasks: { edges: Array<{ cursor: string, node: { id: string, revision: number, status: VideoTaskStatus, mode: GenerationMode, prompt: string | null, createdAt: string, finishedAt: string | null, expiresAt: string, lastFrameUrl: string | null, options: { resolution: VideoResolution, ratio: AspectRatio, durationSeconds: number, returnLastFrame: boolean }, videos: Array<{ url: string, durationSeconds: number | null }>, usage: { costUsd: string, totalTokens: number } | null, error: { code: string, message: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type DailyUsageQueryVariables = Exact<{
  from: string;
  to: string;
}>;


export type DailyUsageQuery = { usageReport: { totals: { tasks: number, succeeded: number, costUsd: string }, buckets: Array<{ start: string, totals: { tasks: number, succeeded: number, failed: number, costUsd: string, totalTokens: number } }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const TaskFieldsFragmentDoc = new TypedDocumentString(`
    fragment TaskFields on VideoTask {
  id
  revision
  status
  mode
  prompt
  createdAt
  finishedAt
  expiresAt
  options {
    resolution
    ratio
    durationSeconds
    returnLastFrame
  }
  videos {
    url
    durationSeconds
  }
  lastFrameUrl
  usage {
    costUsd
    totalTokens
  }
  error {
    code
    message
  }
}
    `, {"fragmentName":"TaskFields"}) as unknown as TypedDocumentString<TaskFieldsFragment, unknown>;
export const GenerateVideoDocument = new TypedDocumentString(`
    mutation GenerateVideo($input: GenerateVideoInput!) {
  generateVideo(input: $input) {
    __typename
    ... on GenerateVideoSuccess {
      warnings
      task {
        ...TaskFields
      }
    }
    ... on InvalidInputError {
      code
      message
      issues {
        path
        code
        message
      }
    }
    ... on UpstreamError {
      code
      message
      retryable
    }
    ... on RateLimitedError {
      code
      message
      retryAfterSeconds
    }
  }
}
    fragment TaskFields on VideoTask {
  id
  revision
  status
  mode
  prompt
  createdAt
  finishedAt
  expiresAt
  options {
    resolution
    ratio
    durationSeconds
    returnLastFrame
  }
  videos {
    url
    durationSeconds
  }
  lastFrameUrl
  usage {
    costUsd
    totalTokens
  }
  error {
    code
    message
  }
}`) as unknown as TypedDocumentString<GenerateVideoMutation, GenerateVideoMutationVariables>;
export const TaskUpdatedDocument = new TypedDocumentString(`
    subscription TaskUpdated($id: ID!) {
  videoTaskUpdated(id: $id) {
    ...TaskFields
  }
}
    fragment TaskFields on VideoTask {
  id
  revision
  status
  mode
  prompt
  createdAt
  finishedAt
  expiresAt
  options {
    resolution
    ratio
    durationSeconds
    returnLastFrame
  }
  videos {
    url
    durationSeconds
  }
  lastFrameUrl
  usage {
    costUsd
    totalTokens
  }
  error {
    code
    message
  }
}`) as unknown as TypedDocumentString<TaskUpdatedSubscription, TaskUpdatedSubscriptionVariables>;
export const TaskHistoryDocument = new TypedDocumentString(`
    query TaskHistory($first: Int!, $after: String) {
  videoTasks(first: $first, after: $after) {
    edges {
      cursor
      node {
        ...TaskFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment TaskFields on VideoTask {
  id
  revision
  status
  mode
  prompt
  createdAt
  finishedAt
  expiresAt
  options {
    resolution
    ratio
    durationSeconds
    returnLastFrame
  }
  videos {
    url
    durationSeconds
  }
  lastFrameUrl
  usage {
    costUsd
    totalTokens
  }
  error {
    code
    message
  }
}`) as unknown as TypedDocumentString<TaskHistoryQuery, TaskHistoryQueryVariables>;
export const DailyUsageDocument = new TypedDocumentString(`
    query DailyUsage($from: DateTime!, $to: DateTime!) {
  usageReport(from: $from, to: $to, granularity: DAY) {
    totals {
      tasks
      succeeded
      costUsd
    }
    buckets {
      start
      totals {
        tasks
        succeeded
        failed
        costUsd
        totalTokens
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DailyUsageQuery, DailyUsageQueryVariables>;