import { GatewayMetrics, MAX_OPERATION_NAMES } from '../../src/observability/metrics';

describe('GatewayMetrics', () => {
  const operationsOf = async (metrics: GatewayMetrics): Promise<string[]> =>
    (await metrics.exposition()).text
      .split('\n')
      .filter((line) => line.startsWith('gateway_graphql_operation_duration_seconds_count'))
      .map((line) => /operation="([^"]*)"/.exec(line)![1]!);

  it('caps the distinct operation names kept as labels; later and overlong names count as other', async () => {
    const metrics = new GatewayMetrics();
    for (let i = 0; i < MAX_OPERATION_NAMES + 50; i++) {
      metrics.recordOperation({ transport: 'http', type: 'query', name: `Op${i}`, outcome: 'ok', seconds: 0.01 });
    }
    metrics.recordOperation({ transport: 'http', type: 'query', name: 'Op0', outcome: 'ok', seconds: 0.01 });
    const names = await operationsOf(metrics);
    expect(names).toHaveLength(MAX_OPERATION_NAMES + 1);
    expect(names).toContain('other');
    expect(names).not.toContain(`Op${MAX_OPERATION_NAMES}`);

    const fresh = new GatewayMetrics();
    fresh.recordOperation({ transport: 'ws', type: 'query', name: 'x'.repeat(65), outcome: 'ok', seconds: 0 });
    fresh.recordOperation({ transport: 'ws', type: undefined, name: undefined, outcome: 'invalid', seconds: 0 });
    fresh.recordOperation({ transport: 'ws', type: 'query', name: null, outcome: 'ok', seconds: 0 });
    expect((await operationsOf(fresh)).sort()).toEqual(['anonymous', 'other', 'unknown']);
  });

  it('keeps one registry per instance, so two gateways in one process do not share counts', async () => {
    const a = new GatewayMetrics();
    const b = new GatewayMetrics();
    a.submissionRefusals.inc({ code: 'INVALID_INPUT' });
    expect((await a.exposition()).text).toContain('gateway_submission_refusals_total{code="INVALID_INPUT"} 1');
    expect((await b.exposition()).text).not.toContain('gateway_submission_refusals_total{code=');
  });
});

describe('GatewayMetrics sources', () => {
  it('still answers a scrape when the task count cannot be read, and reports the failure', async () => {
    const failures: unknown[] = [];
    const metrics = new GatewayMetrics({ onSourceError: (error) => failures.push(error) });
    metrics.observe({ tasksByStatus: () => Promise.reject(new Error('store down')) });
    const { text } = await metrics.exposition();
    expect(text).toContain('# TYPE gateway_tasks gauge');
    expect(text).not.toMatch(/^gateway_tasks\{/m);
    expect(failures).toEqual([new Error('store down')]);
  });
});
