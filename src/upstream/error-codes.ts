/**
 * The one table that maps Spark Dance error codes (T2V 003004xxx, I2V 003006xxx, from the
 * API docs) to the gateway's symbolic codes. Everything that reports an upstream error —
 * failed creates, failed tasks — goes through {@link describeUpstreamCode}.
 */

/** Symbolic codes the gateway exposes for upstream problems. */
export enum UpstreamErrorCode {
  MISSING_CONTENT = 'UPSTREAM_MISSING_CONTENT',
  INVALID_CONTENT_FORMAT = 'UPSTREAM_INVALID_CONTENT_FORMAT',
  INVALID_RESOLUTION = 'UPSTREAM_INVALID_RESOLUTION',
  INVALID_RATIO = 'UPSTREAM_INVALID_RATIO',
  INVALID_DURATION = 'UPSTREAM_INVALID_DURATION',
  INVALID_FRAMES = 'UPSTREAM_INVALID_FRAMES',
  INVALID_SEED = 'UPSTREAM_INVALID_SEED',
  INVALID_BOOLEAN_PARAMETER = 'UPSTREAM_INVALID_BOOLEAN_PARAMETER',
  MISSING_CONTENT_TYPE = 'UPSTREAM_MISSING_CONTENT_TYPE',
  MISSING_TEXT = 'UPSTREAM_MISSING_TEXT',
  GENERATION_FAILED = 'UPSTREAM_GENERATION_FAILED',
  RESULT_PARSING_FAILED = 'UPSTREAM_RESULT_PARSING_FAILED',
  HTTP_ERROR = 'UPSTREAM_HTTP_ERROR',
  STATUS_CHECK_FAILED = 'UPSTREAM_STATUS_CHECK_FAILED',
  TASK_CREATION_FAILED = 'UPSTREAM_TASK_CREATION_FAILED',
  /** Codes below are the gateway's own, for failures that carry no documented code. */
  UNKNOWN = 'UPSTREAM_ERROR',
  BAD_REQUEST = 'UPSTREAM_BAD_REQUEST',
  AUTH_FAILED = 'UPSTREAM_AUTH_FAILED',
  NOT_FOUND = 'UPSTREAM_NOT_FOUND',
  RATE_LIMITED = 'UPSTREAM_RATE_LIMITED',
  SERVER_ERROR = 'UPSTREAM_SERVER_ERROR',
  TIMEOUT = 'UPSTREAM_TIMEOUT',
  UNAVAILABLE = 'UPSTREAM_UNAVAILABLE',
  MALFORMED_RESPONSE = 'UPSTREAM_MALFORMED_RESPONSE',
  /** A keyed create may have been accepted upstream, but no answer says so (see `outcomeUnknown`). */
  CREATE_OUTCOME_UNKNOWN = 'UPSTREAM_CREATE_OUTCOME_UNKNOWN',
  TASK_EXPIRED = 'TASK_EXPIRED',
}

/** What a documented upstream code means. */
export interface UpstreamCodeInfo {
  code: UpstreamErrorCode;
  description: string;
  /**
   * Whether the same request may succeed if submitted again: true for the upstream's own
   * failures (generation, parsing, status), false for problems with the request itself.
   */
  retryable: boolean;
}

/** Suffixes shared by both models; the model decides the 003004 (T2V) / 003006 (I2V) prefix. */
const BY_SUFFIX: Readonly<Record<string, UpstreamCodeInfo>> = {
  '001': { code: UpstreamErrorCode.MISSING_CONTENT, description: 'Missing content', retryable: false },
  '002': { code: UpstreamErrorCode.INVALID_CONTENT_FORMAT, description: 'Invalid content format', retryable: false },
  '003': { code: UpstreamErrorCode.INVALID_RESOLUTION, description: 'Invalid resolution', retryable: false },
  '004': { code: UpstreamErrorCode.INVALID_RATIO, description: 'Invalid aspect ratio', retryable: false },
  '005': { code: UpstreamErrorCode.INVALID_DURATION, description: 'Invalid duration', retryable: false },
  '006': { code: UpstreamErrorCode.INVALID_FRAMES, description: 'Invalid frame rate', retryable: false },
  '007': { code: UpstreamErrorCode.INVALID_SEED, description: 'Invalid seed', retryable: false },
  '008': {
    code: UpstreamErrorCode.INVALID_BOOLEAN_PARAMETER,
    description: 'Invalid boolean parameter',
    retryable: false,
  },
  '009': { code: UpstreamErrorCode.MISSING_CONTENT_TYPE, description: 'Missing content type', retryable: false },
  '010': { code: UpstreamErrorCode.MISSING_TEXT, description: 'Missing text field', retryable: false },
  '095': { code: UpstreamErrorCode.GENERATION_FAILED, description: 'Internal generation error', retryable: true },
  '096': { code: UpstreamErrorCode.RESULT_PARSING_FAILED, description: 'Result parsing error', retryable: true },
  '097': { code: UpstreamErrorCode.HTTP_ERROR, description: 'HTTP error response', retryable: true },
  '098': { code: UpstreamErrorCode.STATUS_CHECK_FAILED, description: 'Status check error', retryable: true },
  '099': { code: UpstreamErrorCode.TASK_CREATION_FAILED, description: 'Task creation error', retryable: true },
};

/** T2V documents 001-010 and 095-099; I2V documents 095-099 only. */
const DOCUMENTED: ReadonlyMap<string, UpstreamCodeInfo> = new Map(
  Object.entries(BY_SUFFIX).flatMap(([suffix, info]) => {
    const entries: Array<[string, UpstreamCodeInfo]> = [[`003004${suffix}`, info]];
    if (suffix >= '095') entries.push([`003006${suffix}`, info]);
    return entries;
  }),
);

/** Every documented upstream code, for tests and docs. */
export const DOCUMENTED_UPSTREAM_CODES: readonly string[] = [...DOCUMENTED.keys()];

/** Looks up a code from an upstream error body; undefined for codes the docs do not list. */
export function describeUpstreamCode(upstreamCode: string): UpstreamCodeInfo | undefined {
  return DOCUMENTED.get(upstreamCode.trim());
}
