import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  type IPolicy,
} from 'cockatiel';
import type { Logger } from 'pino';
import type { ValidatedGeneration } from '../domain/generation-request';
import { UpstreamErrorCode, describeUpstreamCode } from './error-codes';
import { jsonBody, type JsonBody } from './json-body';
import { snapshotFromWire, toWireCreateRequest } from './translate';
import type { UpstreamApi } from './upstream-api';
import { UpstreamRequestError, codeForHttpFailure } from './upstream-error';
import type { CreatedUpstreamTask, UpstreamTaskSnapshot } from './upstream-task';
import { wireCreateResponse, wireErrorBody, wireTaskResponse } from './wire';

/** Connection settings and resilience knobs of {@link HttpUpstreamClient}. */
export interface HttpUpstreamClientOptions {
  baseUrl: string;
  apiKey: string;
  createPath: string;
  /** Path template containing `{id}`. */
  statusPath: string;
  /** Per attempt, including reading the body. */
  timeoutMs: number;
  statusRetry?: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number };
  /** Opens after this many consecutive transient failures; fails fast until `halfOpenAfterMs`. */
  breaker?: { consecutiveFailures: number; halfOpenAfterMs: number };
  logger?: Logger;
}

/** Without a Retry-After header a 429 still needs an honest wait to report. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;
const MAX_MESSAGE_LENGTH = 500;

/** Worth retrying (status reads) and counting towards opening the circuit: 5xx, network failures and timeouts. */
const isTransient = (error: Error): boolean =>
  (error instanceof UpstreamRequestError && error.kind === 'unavailable') || error instanceof TaskCancelledError;

/**
 * The Spark Dance HTTP client. Creates go through a timeout and a circuit breaker and are
 * never retried (each may cost money); status reads also get capped exponential backoff
 * with jitter. Responses are `unknown` until the wire schemas accept them.
 */
export class HttpUpstreamClient implements UpstreamApi {
  private readonly createPolicy: IPolicy;
  private readonly statusPolicy: IPolicy;
  private readonly base: string;

  constructor(private readonly options: HttpUpstreamClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    const attemptTimeout = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
    const breakerOptions = options.breaker ?? { consecutiveFailures: 5, halfOpenAfterMs: 10_000 };
    const breaker = circuitBreaker(handleWhen(isTransient), {
      halfOpenAfter: breakerOptions.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(breakerOptions.consecutiveFailures),
    });
    const retryOptions = options.statusRetry ?? { maxAttempts: 3, initialDelayMs: 200, maxDelayMs: 5_000 };
    const statusRetry = retry(handleWhen(isTransient), {
      maxAttempts: retryOptions.maxAttempts,
      backoff: new ExponentialBackoff({ initialDelay: retryOptions.initialDelayMs, maxDelay: retryOptions.maxDelayMs }),
    });
    this.createPolicy = wrap(breaker, attemptTimeout);
    this.statusPolicy = wrap(statusRetry, breaker, attemptTimeout);
  }

  async createTask(
    generation: ValidatedGeneration,
    options: { callbackUrl?: string } = {},
  ): Promise<CreatedUpstreamTask> {
    const body = toWireCreateRequest(generation, options.callbackUrl);
    // Streamed: the images in it are sent from the validated strings, not from copies.
    const json = await this.call(this.createPolicy, 'POST', this.options.createPath, jsonBody(body));
    const parsed = wireCreateResponse.safeParse(json);
    if (!parsed.success) throw malformed('create', parsed.error.issues[0]?.message);
    const created = parsed.data;
    return {
      upstreamTaskId: String(created.id ?? created.task_id),
      createdAtMs: typeof created.created_at === 'number' ? created.created_at * 1000 : null,
    };
  }

  async getTask(upstreamTaskId: string): Promise<UpstreamTaskSnapshot> {
    const path = this.options.statusPath.replace('{id}', encodeURIComponent(upstreamTaskId));
    const json = await this.call(this.statusPolicy, 'GET', path);
    const parsed = wireTaskResponse.safeParse(json);
    if (!parsed.success) throw malformed('status', parsed.error.issues[0]?.message);
    return snapshotFromWire(parsed.data);
  }

  private async call(policy: IPolicy, method: 'GET' | 'POST', path: string, body?: JsonBody): Promise<unknown> {
    try {
      return await policy.execute(({ signal }) => this.send(method, path, body, signal));
    } catch (error) {
      throw this.toUpstreamError(error, method, path);
    }
  }

  private async send(method: string, path: string, body: JsonBody | undefined, signal: AbortSignal): Promise<unknown> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.base + path, {
        method,
        signal,
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          accept: 'application/json',
          // A known length: the upstream gets a plain body, not a chunked one.
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': String(body.byteLength) }),
        },
        ...(body === undefined ? {} : { body: body.chunks(), duplex: 'half' as const }),
      });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw error;
      const cause = describeNetworkError(error);
      throw new UpstreamRequestError({
        kind: 'unavailable',
        code: UpstreamErrorCode.UNAVAILABLE,
        message: `the upstream could not be reached (${cause})`,
        // Only a connection that was never made proves the request was not received.
        outcomeUnknown: !NOT_CONNECTED_CODES.has(cause),
      });
    }
    if (response.ok) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw malformed(method === 'POST' ? 'create' : 'status', 'body is not JSON');
      }
    }
    throw httpFailure(response.status, response.headers.get('retry-after'), text);
  }

  private toUpstreamError(error: unknown, method: string, path: string): UpstreamRequestError {
    if (error instanceof UpstreamRequestError) return error;
    if (error instanceof TaskCancelledError) {
      return new UpstreamRequestError({
        kind: 'unavailable',
        code: UpstreamErrorCode.TIMEOUT,
        message: `the upstream did not answer within ${this.options.timeoutMs} ms`,
        outcomeUnknown: true,
      });
    }
    if (error instanceof BrokenCircuitError) {
      return new UpstreamRequestError({
        kind: 'unavailable',
        code: UpstreamErrorCode.UNAVAILABLE,
        message: 'the upstream is failing repeatedly; calls are paused for a moment',
      });
    }
    this.options.logger?.error({ err: error, method, path }, 'unexpected upstream client failure');
    return new UpstreamRequestError({
      kind: 'unavailable',
      code: UpstreamErrorCode.UNAVAILABLE,
      message: 'the upstream call failed',
      outcomeUnknown: true,
    });
  }
}

function malformed(operation: 'create' | 'status', detail: string | undefined): UpstreamRequestError {
  return new UpstreamRequestError({
    kind: 'malformed',
    code: UpstreamErrorCode.MALFORMED_RESPONSE,
    message: `the upstream's ${operation} answer was not in the documented format${detail ? `: ${detail}` : ''}`,
    // A 2xx we cannot read: the upstream did act on it.
    outcomeUnknown: true,
  });
}

function httpFailure(status: number, retryAfter: string | null, text: string): UpstreamRequestError {
  let upstreamCode: string | null = null;
  let upstreamMessage: string | null = null;
  try {
    const parsed = wireErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) {
      upstreamCode = parsed.data.error.code ?? null;
      upstreamMessage = parsed.data.error.error_message ?? parsed.data.error.message ?? null;
    }
  } catch {
    // A non-JSON error body (a proxy's HTML page, say) still has a status to go by.
  }
  const message = (upstreamMessage ?? `the upstream answered HTTP ${status}`).slice(0, MAX_MESSAGE_LENGTH);
  const code = codeForHttpFailure(status, upstreamCode);
  if (status === 429) {
    return new UpstreamRequestError({
      kind: 'rate_limited',
      code,
      message,
      upstreamCode,
      httpStatus: status,
      retryAfterSeconds: parseRetryAfter(retryAfter),
    });
  }
  const kind = status >= 500 ? 'unavailable' : 'rejected';
  // A 5xx the upstream explains with a documented code, or a 503, is a refusal. Any other 5xx
  // (a proxy's 502/504, a crash after saving) may come after the upstream acted on the request.
  const outcomeUnknown = status >= 500 && status !== 503 && !(upstreamCode && describeUpstreamCode(upstreamCode));
  return new UpstreamRequestError({ kind, code, message, upstreamCode, httpStatus: status, outcomeUnknown });
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number {
  if (value === null || value.trim() === '') return DEFAULT_RETRY_AFTER_SECONDS;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.max(1, Number(trimmed));
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return DEFAULT_RETRY_AFTER_SECONDS;
  return Math.max(1, Math.ceil((date - nowMs) / 1000));
}

/** Network failures that happen before a connection exists: the upstream never saw the request. */
const NOT_CONNECTED_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  // TLS refused before any request byte: the certificate was not accepted.
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function describeNetworkError(error: unknown): string {
  // Duck-typed, not `instanceof Error`: fetch's errors may come from another realm (jest's
  // sandbox, a worker), where instanceof is false and the code would be lost.
  const field = (value: unknown, name: string): unknown =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
  const cause = field(error, 'cause') ?? error;
  const code = field(cause, 'code');
  const message = field(cause, 'message');
  return typeof code === 'string' ? code : typeof message === 'string' ? message.slice(0, 100) : 'network error';
}
