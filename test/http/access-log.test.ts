import { GENERATE, KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { exchange } from '../support/http-exchange';
import { waitFor } from '../support/wait-for';

type Line = Record<string, unknown>;

describe('access logs and request ids', () => {
  let h: Harness;
  const lines: Line[] = [];
  const base = (): string => h.gateway.url.replace('/graphql', '');
  const accessLineOf = (requestId: string): Promise<Line> =>
    waitFor(
      () => lines.find((line) => line.msg === 'request' && line.requestId === requestId),
      (line) => line !== undefined,
      { what: `the access line of ${requestId}` },
    ).then((line) => line!);
  beforeAll(async () => {
    h = await startHarness({ logLines: lines, callbacks: true });
  });
  afterAll(() => h.stop());

  it('puts x-request-id on every answer: health checks, metrics, 404s and refusals', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/nowhere', '/graphql']) {
      const answer = await exchange(`${base()}${path}`);
      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const echoed = await exchange(`${base()}/healthz`, { headers: { 'x-request-id': 'probe-7' } });
    expect(echoed.headers['x-request-id']).toBe('probe-7');
  });

  it('writes one line per request: method, path, status, duration, request id, client; no credentials', async () => {
    const answer = await exchange(h.gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${KEYS.alice}`,
        'x-request-id': 'req-query-1',
      },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(answer.status).toBe(200);
    const line = await accessLineOf('req-query-1');
    expect(line).toMatchObject({
      level: 30,
      method: 'POST',
      path: '/graphql',
      status: 200,
      clientId: 'alice',
      requestId: 'req-query-1',
    });
    expect(line.durationMs).toEqual(expect.any(Number));
    expect(
      lines.filter((candidate) => candidate.requestId === 'req-query-1' && candidate.msg === 'request'),
    ).toHaveLength(1);

    await exchange(`${base()}/nowhere?x=1`, { headers: { 'x-request-id': 'req-404' } });
    expect(await accessLineOf('req-404')).toMatchObject({ method: 'GET', path: '/nowhere', status: 404 });
    expect(JSON.stringify(lines)).not.toContain(KEYS.alice);
  });

  it('redacts the callback token of a webhook path', async () => {
    await exchange(`${base()}/webhooks/spark-dance/secret-token-value`, {
      method: 'POST',
      headers: { 'x-request-id': 'req-hook' },
      body: '{}',
    });
    expect(await accessLineOf('req-hook')).toMatchObject({ path: '/webhooks/spark-dance/[token]', status: 404 });
    expect(JSON.stringify(lines)).not.toContain('secret-token-value');
  });

  it('puts the request id on the lines a request caused: the create, and the callback that ended it', async () => {
    const taskId = await submit(h.gateway.url, 'req-generate');
    expect(lines.find((line) => line.msg === 'generation submitted' && line.taskId === taskId)).toMatchObject({
      requestId: 'req-generate',
      clientId: 'alice',
    });
    const finished = await finishedLineOf(lines, taskId);
    // With callbacks on, the upstream's callback triggered the read that saw the end.
    const callback = lines.find((line) => line.msg === 'request' && line.requestId === finished.requestId);
    expect(callback).toMatchObject({ path: '/webhooks/spark-dance/[token]', status: 202 });
  });
});

describe('request ids on service lines, polling only', () => {
  let h: Harness;
  const lines: Line[] = [];
  beforeAll(async () => {
    h = await startHarness({ logLines: lines });
  });
  afterAll(() => h.stop());

  it('task finished carries the id of the request that created the task (its poll reads follow from it)', async () => {
    const taskId = await submit(h.gateway.url, 'req-polled');
    expect(await finishedLineOf(lines, taskId)).toMatchObject({
      requestId: 'req-polled',
      status: 'SUCCEEDED',
      clientId: 'alice',
    });
  });
});

/** Submits a text task as alice with the given request id; resolves with its id. */
async function submit(url: string, requestId: string): Promise<string> {
  const answer = await exchange(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.alice}`, 'x-request-id': requestId },
    body: JSON.stringify({ query: GENERATE, variables: { input: { textToVideo: { prompt: 'logged' } } } }),
  });
  return (JSON.parse(answer.body) as { data: { generateVideo: { task: { id: string } } } }).data.generateVideo.task.id;
}

async function finishedLineOf(lines: Line[], taskId: string): Promise<Line> {
  const line = await waitFor(
    () => lines.find((candidate) => candidate.msg === 'task finished' && candidate.taskId === taskId),
    (found) => found !== undefined,
    { what: 'the task finished line' },
  );
  return line!;
}
