import type { IncomingHttpHeaders } from 'node:http';
import {
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** Runs `fn` in a span named `name` (see {@link Tracing.withSpan}); a store can take one of these. */
export type SpanHook = <T>(name: string, fn: () => Promise<T>, attributes?: Attributes) => Promise<T>;

/** Where spans go: an OTLP/HTTP collector, or an exporter a test hands in. */
export interface TracingOptions {
  /** OTLP base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`); spans go to `{endpoint}/v1/traces`. */
  endpoint?: string;
  serviceName: string;
  /** Exports every span as it ends (tests: an InMemorySpanExporter); wins over `endpoint`. */
  exporter?: SpanExporter;
}

/** How a span is started. */
export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  /** Start a new trace even inside another span (the poller's reads outlive the request that created the task). */
  root?: boolean;
  /** The parent, when not the active span (e.g. extracted from `traceparent`). */
  parent?: Context;
}

/**
 * OpenTelemetry tracing of one gateway: a span per GraphQL operation, children for upstream
 * calls and store queries. Off (every method runs its function and nothing else) unless an
 * endpoint or exporter is given. The tracer provider is the gateway's own, not the global one;
 * only the context manager (AsyncLocalStorage, which carries the active span) is global.
 */
export class Tracing {
  readonly enabled: boolean;
  private readonly provider: BasicTracerProvider | undefined;
  private readonly tracer: Tracer | undefined;
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(options: TracingOptions) {
    const exporter =
      options.exporter ??
      (options.endpoint
        ? new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` })
        : undefined);
    this.enabled = exporter !== undefined;
    if (!exporter) return;
    registerContextManagerOnce();
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
      spanProcessors: [options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
    });
    this.tracer = this.provider.getTracer('spark-dance-gateway');
  }

  /** The trace context a caller sent in W3C `traceparent`/`tracestate` (the root context if none). */
  extract(headers: IncomingHttpHeaders): Context {
    return this.enabled ? this.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter) : ROOT_CONTEXT;
  }

  /**
   * Runs `fn` in a new active span that ends when `fn` settles (status error if it throws).
   * `fn` may rename the span or add attributes through `trace.getActiveSpan()`.
   */
  async inSpan<T>(name: string, fn: () => Promise<T>, options: SpanOptions = {}): Promise<T> {
    const tracer = this.tracer;
    if (!tracer) return fn();
    const parent = options.root ? ROOT_CONTEXT : (options.parent ?? context.active());
    return tracer.startActiveSpan(
      name,
      { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
      parent,
      async (span) => {
        try {
          return await fn();
        } catch (error) {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : undefined });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  /**
   * A child span around `fn` when a span is active (a GraphQL operation, a poll read), else
   * just `fn`: store queries are traced as parts of an operation, never as traces of their own.
   */
  readonly withSpan: SpanHook = (name, fn, attributes) => {
    // An ended span can still be active (a poll timer set during a request): not a parent.
    if (!this.tracer || trace.getActiveSpan()?.isRecording() !== true) return fn();
    return this.inSpan(name, fn, { attributes });
  };

  /** Exports the spans still buffered and stops. */
  async shutdown(): Promise<void> {
    await this.provider?.shutdown();
  }
}

let contextManagerRegistered = false;

/** The active span travels through awaits and timers only with a context manager; one per process. */
function registerContextManagerOnce(): void {
  if (contextManagerRegistered) return;
  // false when another part of the process registered one already: that one carries contexts too.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerRegistered = true;
}
