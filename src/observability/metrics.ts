import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { UpstreamFailureKind } from '../upstream/upstream-error';

/** How a GraphQL operation ended: executed without errors, executed with errors, refused before executing. */
export type OperationOutcome = 'ok' | 'error' | 'invalid';

/** The transport an operation came over. */
export type OperationTransport = 'http' | 'ws';

/** The upstream endpoints the gateway calls. */
export type UpstreamEndpoint = 'create' | 'status';

/** How an upstream call ended: `ok`, or the kind of its failure. */
export type UpstreamOutcome = 'ok' | UpstreamFailureKind;

/** One GraphQL operation, as recorded. */
export interface OperationObservation {
  transport: OperationTransport;
  /** `query`, `mutation`, `subscription`, or undefined when the document never resolved to one. */
  type: string | undefined;
  /** The operation's name; null for an anonymous operation, undefined when unknown. */
  name: string | null | undefined;
  outcome: OperationOutcome;
  seconds: number;
}

/** Live figures read at scrape time. */
export interface MetricsSources {
  /** Tasks by status, from the store (may be partial: statuses left out are not reported). */
  tasksByStatus?: () => Promise<Record<string, number>>;
  /** Open graphql-ws sockets and the operations in flight on them. */
  webSockets?: () => { sockets: number; operations: number };
  /** Distinct subscription executions (identical subscriptions share one). */
  sharedSubscriptions?: () => number;
}

/** Distinct operation names kept as labels; later names are counted as `other`. */
export const MAX_OPERATION_NAMES = 100;
const MAX_OPERATION_NAME_LENGTH = 64;

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The gateway's Prometheus metrics, on a registry of their own (one per gateway, so tests can
 * run many in one process). Labels are bounded: methods, routes, statuses, operation types
 * and outcomes are closed sets, operation names are capped ({@link MAX_OPERATION_NAMES}), and
 * no label ever holds a task id, a client id or a credential.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();
  private readonly sources: MetricsSources = {};

  readonly httpRequests = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'HTTP requests by method, route and status code (WebSocket upgrades excluded)',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly graphqlOperations = new Histogram({
    name: 'gateway_graphql_operation_duration_seconds',
    help: 'GraphQL operations by name, type, outcome and transport (subscriptions: until set up)',
    labelNames: ['operation', 'type', 'outcome', 'transport'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly upstreamCalls = new Histogram({
    name: 'gateway_upstream_request_duration_seconds',
    help: 'Calls to the Spark Dance API by endpoint and outcome (retries included in one call)',
    labelNames: ['endpoint', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly pollReads = new Counter({
    name: 'gateway_poll_reads_total',
    help: "The poller's upstream status reads by outcome",
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly taskTransitions = new Counter({
    name: 'gateway_task_transitions_total',
    help: 'Task status changes stored by this gateway (from: new for a created task, unknown after a restart)',
    labelNames: ['from', 'to'] as const,
    registers: [this.registry],
  });

  readonly submissionRefusals = new Counter({
    name: 'gateway_submission_refusals_total',
    help: 'generateVideo submissions refused, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly usageCost = new Counter({
    name: 'gateway_usage_cost_usd_total',
    help: 'Cost in USD reported by finished tasks, by model',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  readonly usageTokens = new Counter({
    name: 'gateway_usage_tokens_total',
    help: 'Tokens reported by finished tasks, by model',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  /** `onSourceError` hears of a source that failed at scrape time (its gauge is left empty). */
  constructor(options: { onSourceError?: (error: unknown) => void } = {}) {
    const sources = this.sources;
    const { onSourceError } = options;
    new Gauge({
      name: 'gateway_tasks',
      help: 'Tasks by status, as the store counts them at scrape time',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        // A store that cannot answer must not take the other metrics down with it.
        const read = sources.tasksByStatus?.() ?? Promise.resolve({});
        const counts = await read.catch((error: unknown): Record<string, number> => {
          onSourceError?.(error);
          return {};
        });
        for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'gateway_websocket_connections',
      help: 'Open graphql-ws sockets (authenticated)',
      registers: [this.registry],
      collect() {
        this.set(sources.webSockets?.().sockets ?? 0);
      },
    });
    new Gauge({
      name: 'gateway_websocket_operations',
      help: 'Operations (subscriptions, and queries in flight) running on graphql-ws sockets',
      registers: [this.registry],
      collect() {
        this.set(sources.webSockets?.().operations ?? 0);
      },
    });
    new Gauge({
      name: 'gateway_subscription_executions',
      help: 'Distinct subscription executions (identical subscriptions of one client share one)',
      registers: [this.registry],
      collect() {
        this.set(sources.sharedSubscriptions?.() ?? 0);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
  }

  /** Names where live figures come from; later calls replace earlier ones. */
  observe(sources: MetricsSources): void {
    Object.assign(this.sources, sources);
  }

  /** Records one GraphQL operation. */
  recordOperation(observation: OperationObservation): void {
    this.graphqlOperations.observe(
      {
        operation: this.operationLabel(observation.name),
        type: observation.type ?? 'unknown',
        outcome: observation.outcome,
        transport: observation.transport,
      },
      observation.seconds,
    );
  }

  /** The Prometheus text exposition of every metric. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  /** A bounded label for a client-chosen operation name. */
  private operationLabel(name: string | null | undefined): string {
    if (name === undefined) return 'unknown';
    if (name === null) return 'anonymous';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES || name.length > MAX_OPERATION_NAME_LENGTH) return 'other';
    this.operationNames.add(name);
    return name;
  }
}
