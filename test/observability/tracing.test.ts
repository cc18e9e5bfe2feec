import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Tracing } from '../../src/observability/tracing';
import { GENERATE, KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { exchange } from '../support/http-exchange';
import { waitFor } from '../support/wait-for';
import { wsClient } from '../support/ws-client';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

describe('OpenTelemetry traces', () => {
  let h: Harness;
  const exporter = new InMemorySpanExporter();
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  beforeAll(async () => {
    h = await startHarness({ spanExporter: exporter });
  });
  afterAll(() => h.stop());

  it('makes a span per operation under the caller traceparent, upstream and store calls as children', async () => {
    const answer = await exchange(h.gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${KEYS.alice}`,
        traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`,
      },
      body: JSON.stringify({ query: GENERATE, variables: { input: { textToVideo: { prompt: 'traced' } } } }),
    });
    expect(answer.status).toBe(200);
    const operation = await waitFor(
      () => spans().find((span) => span.name === 'mutation Generate'),
      (span) => span !== undefined,
      { what: 'the operation span' },
    );
    expect(operation!.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(operation!)).toBe(PARENT_SPAN_ID);
    expect(operation!.kind).toBe(SpanKind.SERVER);
    expect(operation!.attributes).toMatchObject({
      'graphql.operation.type': 'mutation',
      'graphql.operation.name': 'Generate',
    });
    const inTrace = spans().filter((span) => span.spanContext().traceId === TRACE_ID);
    const create = inTrace.find((span) => span.name === 'upstream create');
    expect(create).toMatchObject({ kind: SpanKind.CLIENT });
    expect(parentOf(create!)).toBe(operation!.spanContext().spanId);
    const insert = inTrace.find((span) => span.name === 'store tasks.insert');
    expect(insert && parentOf(insert)).toBe(operation!.spanContext().spanId);
    expect(operation!.resource.attributes['service.name']).toBe('spark-dance-gateway');
  });

  it("traces the poller's reads as traces of their own, not as children of the long-ended request", async () => {
    const reads = await waitFor(
      () => spans().filter((span) => span.name === 'upstream status'),
      (found) => found.length > 0,
      { what: 'a poll read span' },
    );
    for (const read of reads) {
      expect(read.spanContext().traceId).not.toBe(TRACE_ID);
      expect(parentOf(read)).toBeUndefined();
    }
  });

  it('makes a span per operation over graphql-ws too', async () => {
    const client = wsClient(h.gateway.url, `Bearer ${KEYS.alice}`);
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        client.subscribe(
          { query: 'query OverWs { __typename }' },
          { next: resolve, error: reject, complete: () => undefined },
        );
      });
      expect(result).toEqual({ data: { __typename: 'Query' } });
      const span = await waitFor(
        () => spans().find((candidate) => candidate.name === 'query OverWs'),
        (found) => found !== undefined,
        { what: 'the ws operation span' },
      );
      expect(span!.kind).toBe(SpanKind.SERVER);
    } finally {
      await client.dispose();
    }
  });
});

describe('Tracing off', () => {
  it('runs the traced work and records nothing without an endpoint or exporter', async () => {
    const tracing = new Tracing({ serviceName: 'x' });
    expect(tracing.enabled).toBe(false);
    await expect(tracing.inSpan('a', async () => 42)).resolves.toBe(42);
    await expect(tracing.withSpan('b', async () => 'ok')).resolves.toBe('ok');
    await tracing.shutdown();
  });

  it('makes no store spans outside an operation', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = new Tracing({ serviceName: 'x', exporter });
    await tracing.withSpan('store alone', async () => undefined);
    await tracing.inSpan('operation', () => tracing.withSpan('store inside', async () => undefined));
    expect(
      exporter
        .getFinishedSpans()
        .map((span) => span.name)
        .sort(),
    ).toEqual(['operation', 'store inside']);
    await tracing.shutdown();
  });
});
