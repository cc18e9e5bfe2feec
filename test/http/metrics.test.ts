import { GENERATE, KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { exchange } from '../support/http-exchange';
import { waitFor } from '../support/wait-for';
import { subscribe, wsClient } from '../support/ws-client';

const TOKEN = 'scrape-token-0123456789';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  let h: Harness;
  const scrape = async (): Promise<string> => {
    const answer = await exchange(h.gateway.url.replace('/graphql', '/metrics'), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return answer.body;
  };
  beforeAll(async () => {
    h = await startHarness({ env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => h.stop());

  it('asks for the token when METRICS_TOKEN is set', async () => {
    const url = h.gateway.url.replace('/graphql', '/metrics');
    const none = await exchange(url);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect((await exchange(url, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
  });

  it('counts operations, upstream calls, poll reads, transitions, refusals, usage and live sockets', async () => {
    const submitted = await h.gql(GENERATE, { input: { textToVideo: { prompt: 'metrics' } } });
    const taskId: string = submitted.data!.generateVideo.task.id;
    await h.waitForStatus(taskId, ['SUCCEEDED']);
    const refused = await h.gql(GENERATE, { input: { textToVideo: { prompt: '   ' } } });
    expect(refused.data!.generateVideo.__typename).toBe('InvalidInputError');
    await h.gql('query { __typename }');
    await h.gql('query Broken { nope }');

    const client = wsClient(h.gateway.url, `Bearer ${KEYS.alice}`);
    const live = subscribe(client, 'subscription Mine { myVideoTaskUpdates { id } }');
    try {
      const text = await waitFor(scrape, (body) => sample(body, 'gateway_websocket_operations') === 1, {
        what: 'the subscription in the gauges',
      });
      const op = (labels: string): string => `gateway_graphql_operation_duration_seconds_count{${labels}}`;
      const exactly: Array<[string, number]> = [
        ['gateway_websocket_connections', 1],
        ['gateway_subscription_executions', 1],
        [op('operation="Generate",type="mutation",outcome="ok",transport="http"'), 2],
        [op('operation="unknown",type="unknown",outcome="invalid",transport="http"'), 1],
        [op('operation="Mine",type="subscription",outcome="ok",transport="ws"'), 1],
        ['gateway_upstream_request_duration_seconds_count{endpoint="create",outcome="ok"}', 1],
        // Write-ahead: stored SUBMITTING before the create, confirmed QUEUED after it.
        ['gateway_task_transitions_total{from="new",to="SUBMITTING"}', 1],
        ['gateway_task_transitions_total{from="SUBMITTING",to="QUEUED"}', 1],
        ['gateway_submission_refusals_total{code="INVALID_INPUT"}', 1],
        ['gateway_tasks{status="QUEUED"}', 0],
        ['gateway_tasks{status="RUNNING"}', 0],
        ['gateway_tasks{status="SUBMITTING"}', 0],
        ['gateway_tasks{status="OUTCOME_UNKNOWN"}', 0],
      ];
      for (const [series, value] of exactly) expect([series, sample(text, series)]).toEqual([series, value]);
      const atLeast: Array<[string, number]> = [
        // waitForStatus polls with anonymous queries too.
        [op('operation="anonymous",type="query",outcome="ok",transport="http"'), 1],
        ['gateway_upstream_request_duration_seconds_count{endpoint="status",outcome="ok"}', 1],
        ['gateway_poll_reads_total{outcome="ok"}', 1],
        ['gateway_usage_cost_usd_total{model="spark_dance_v1_0_lite_t2v"}', 0.0001],
        ['gateway_usage_tokens_total{model="spark_dance_v1_0_lite_t2v"}', 1],
        ['gateway_http_request_duration_seconds_count{method="POST",route="/graphql",status="200"}', 3],
        ['gateway_process_resident_memory_bytes', 1],
      ];
      for (const [series, least] of atLeast) expect([series, sample(text, series)! >= least]).toEqual([series, true]);
      // The poller may or may not have seen it RUNNING.
      const toSucceeded = ['QUEUED', 'RUNNING'].map(
        (from) => sample(text, `gateway_task_transitions_total{from="${from}",to="SUCCEEDED"}`) ?? 0,
      );
      expect(toSucceeded[0]! + toSucceeded[1]!).toBe(1);
      // Low cardinality: no task or client id in any label.
      expect(text).not.toContain(taskId);
      expect(text).not.toContain('alice');
    } finally {
      live.unsubscribe();
      await client.dispose();
    }
  });
});

describe('/metrics without a token, with a task waiting upstream', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ simulator: { queueMs: 600_000 } });
  });
  afterAll(() => h.stop());

  it('is open, and reports unfinished tasks by status', async () => {
    const submitted = await h.gql(GENERATE, { input: { textToVideo: { prompt: 'gauge' } } });
    expect(submitted.data!.generateVideo.__typename).toBe('GenerateVideoSuccess');
    const answer = await exchange(h.gateway.url.replace('/graphql', '/metrics'));
    expect(answer.status).toBe(200);
    expect(sample(answer.body, 'gateway_tasks{status="QUEUED"}')).toBe(1);
    expect(sample(answer.body, 'gateway_tasks{status="RUNNING"}')).toBe(0);
  });
});
