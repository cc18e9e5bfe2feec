import { UpstreamErrorCode, describeUpstreamCode } from './error-codes';

/** How an upstream call failed; decides retrying and the GraphQL error type. */
export type UpstreamFailureKind =
  /** The upstream refused the request (4xx other than 429): do not repeat it unchanged. */
  | 'rejected'
  /** 429: come back after `retryAfterSeconds`. */
  | 'rate_limited'
  /** 5xx, timeout, network failure, open circuit: may work later. */
  | 'unavailable'
  /** A 2xx whose body is not what the docs describe. */
  | 'malformed';

/**
 * An upstream call that did not produce a usable answer. Carries no request headers, so
 * the API key can never travel with it into logs or responses.
 */
export class UpstreamRequestError extends Error {
  readonly kind: UpstreamFailureKind;
  readonly code: UpstreamErrorCode;
  readonly upstreamCode: string | null;
  readonly httpStatus: number | null;
  readonly retryAfterSeconds: number | null;
  /**
   * The request may have reached the upstream and been acted on although no usable answer came
   * back (a timeout, a connection lost after sending, a 2xx body we cannot read). For a create
   * this means a task may exist upstream, and be billed, without our knowing its id.
   */
  readonly outcomeUnknown: boolean;

  constructor(init: {
    kind: UpstreamFailureKind;
    code: UpstreamErrorCode;
    message: string;
    upstreamCode?: string | null;
    httpStatus?: number | null;
    retryAfterSeconds?: number | null;
    outcomeUnknown?: boolean;
  }) {
    super(init.message);
    this.name = 'UpstreamRequestError';
    this.kind = init.kind;
    this.code = init.code;
    this.upstreamCode = init.upstreamCode ?? null;
    this.httpStatus = init.httpStatus ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }

  /** Whether repeating the same call later may succeed. */
  get retryable(): boolean {
    switch (this.kind) {
      case 'rejected':
        return false;
      case 'rate_limited':
      case 'unavailable':
      case 'malformed':
        return true;
    }
  }
}

/** Symbolic code for an HTTP failure: the documented upstream code when given, else by status. */
export function codeForHttpFailure(status: number, upstreamCode: string | null): UpstreamErrorCode {
  const documented = upstreamCode ? describeUpstreamCode(upstreamCode) : undefined;
  if (documented) return documented.code;
  if (status === 401 || status === 403) return UpstreamErrorCode.AUTH_FAILED;
  if (status === 404) return UpstreamErrorCode.NOT_FOUND;
  if (status === 429) return UpstreamErrorCode.RATE_LIMITED;
  if (status >= 500) return UpstreamErrorCode.SERVER_ERROR;
  if (status >= 400) return UpstreamErrorCode.BAD_REQUEST;
  return UpstreamErrorCode.UNKNOWN;
}
