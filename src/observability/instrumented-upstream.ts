import { SpanKind } from '@opentelemetry/api';
import type { ValidatedGeneration } from '../domain/generation-request';
import type { UpstreamApi } from '../upstream/upstream-api';
import { UpstreamRequestError } from '../upstream/upstream-error';
import type { CreatedUpstreamTask, UpstreamTaskSnapshot } from '../upstream/upstream-task';
import type { GatewayMetrics, UpstreamEndpoint, UpstreamOutcome } from './metrics';
import type { Tracing } from './tracing';

/** Options of {@link instrumentUpstream}. */
export interface InstrumentUpstreamOptions {
  metrics: GatewayMetrics;
  tracing: Tracing;
  /**
   * The poller's view: status reads also count as poll reads, and each is a trace of its own
   * (a task is followed long after the request that created it has ended).
   */
  poller?: boolean;
}

/**
 * The upstream with a latency histogram per endpoint and outcome, and a client span per call
 * (a child of the GraphQL operation that made it).
 */
export function instrumentUpstream(upstream: UpstreamApi, options: InstrumentUpstreamOptions): UpstreamApi {
  const { metrics, tracing, poller = false } = options;
  const measured = async <T>(endpoint: UpstreamEndpoint, call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    let outcome: UpstreamOutcome = 'ok';
    try {
      return await tracing.inSpan(`upstream ${endpoint}`, call, {
        kind: SpanKind.CLIENT,
        root: poller,
        attributes: { 'upstream.endpoint': endpoint },
      });
    } catch (error) {
      // Anything else is a bug of ours, not an upstream outcome: counted as unavailable, thrown on.
      outcome = error instanceof UpstreamRequestError ? error.kind : 'unavailable';
      throw error;
    } finally {
      metrics.upstreamCalls.observe({ endpoint, outcome }, (performance.now() - started) / 1000);
      if (poller && endpoint === 'status') metrics.pollReads.inc({ outcome });
    }
  };
  return {
    createTask: (
      generation: ValidatedGeneration,
      callOptions?: { callbackUrl?: string },
    ): Promise<CreatedUpstreamTask> => measured('create', () => upstream.createTask(generation, callOptions)),
    getTask: (upstreamTaskId: string): Promise<UpstreamTaskSnapshot> =>
      measured('status', () => upstream.getTask(upstreamTaskId)),
  };
}
