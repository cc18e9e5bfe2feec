import autocannon from 'autocannon';
import { startTarget } from './target';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
/** One connection: the latency of a request on an otherwise idle gateway, without queueing. */
const CONNECTIONS = Number(process.env.BENCH_LATENCY_CONNECTIONS ?? 1);
/** `sqlite,postgres` by default (`memory` too, on request). */
const STORES = (process.env.BENCH_HISTORY_STORES ?? 'sqlite,postgres').split(',').filter(Boolean);

/** The same task fields everywhere, so a page costs what 20 tasks cost and nothing is left out. */
const TASK_FIELDS =
  'id status revision createdAt options { resolution ratio durationSeconds } videos { url sizeBytes } usage { costUsd totalTokens }';
const TOTALS =
  'tasks succeeded failed expired costUsd discountUsd inputTokens outputTokens totalTokens generatedVideos videoSeconds';

interface Prepared {
  url: string;
  seeded: number;
  seedMs: number;
  taskId: string;
  pastDay: string;
  today: string;
}

interface Latency {
  /** Mean time per request: with one connection and no pipelining, exactly duration / requests. */
  meanMs: number;
  rps: number;
}

async function post(
  url: string,
  key: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ ms: number; body: { data?: any; errors?: unknown[] } }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  const ms = performance.now() - started;
  if (!response.ok || body.errors)
    throw new Error(`${query.slice(0, 60)}...: ${response.status} ${JSON.stringify(body.errors)}`);
  return { ms, body };
}

async function latency(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<Latency> {
  const body = JSON.stringify({ query, variables });
  const run = (duration: number) =>
    autocannon({
      url,
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      connections: CONNECTIONS,
      duration,
    });
  await run(2); // warm-up: JIT, connection set-up, and the caches a first request fills
  const result = await run(DURATION_S);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${query.slice(0, 60)}...: ${result.non2xx} non-2xx, ${result.errors} errors`);
  // autocannon's latency histogram has 1 ms resolution, too coarse here; throughput is exact.
  const rps = result.requests.total / (result.duration || DURATION_S);
  return { meanMs: (1000 * CONNECTIONS) / rps, rps };
}

/** Mean time of `count` requests made one after the other (after 5 unmeasured ones). */
async function sequentialMeanMs(count: number, request: (i: number) => Promise<{ ms: number }>): Promise<number> {
  for (let i = 0; i < 5; i += 1) await request(count + i);
  let total = 0;
  for (let i = 0; i < count; i += 1) total += (await request(i)).ms;
  return total / count;
}

async function benchStore(store: string): Promise<string[]> {
  const target = await startTarget('history-target.js', { BENCH_STORE: store });
  try {
    const key = target.info.key!;
    const prepared = await target.request<Prepared>({ type: 'prepare' });
    const { url } = prepared;
    const dayAfter = (iso: string) => new Date(Date.parse(iso) + 86_400_000).toISOString();

    const videoTask = `query($id: ID!) { videoTask(id: $id) { ${TASK_FIELDS} } }`;
    const page = `query($first: Int, $after: String, $filter: VideoTaskFilter) { videoTasks(first: $first, after: $after, filter: $filter) { edges { cursor node { ${TASK_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
    const pageIds = `query($first: Int, $after: String) { videoTasks(first: $first, after: $after) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } }`;
    const report = `query($from: DateTime!, $to: DateTime!) { usageReport(from: $from, to: $to, granularity: DAY, groupBy: [MODEL]) { totals { ${TOTALS} } buckets { start end model totals { ${TOTALS} } } } }`;

    // A cursor deep in the history (ten days back), to show a page there costs the same.
    const deep = await post(url, key, page, { first: 1, filter: { createdBefore: prepared.pastDay } });
    const deepCursor = deep.body.data.videoTasks.pageInfo.endCursor as string;
    // Cold: the first report of a day runs the grouped query (then it is cached until that day changes).
    const pastDay = { from: prepared.pastDay, to: dayAfter(prepared.pastDay) };
    const cold = await post(url, key, report, pastDay);
    const coldToday = await post(url, key, report, { from: prepared.today, to: dayAfter(prepared.today) });
    const dayTasks = cold.body.data.usageReport.totals.tasks as number;

    const cases: Array<[string, string, Record<string, unknown>]> = [
      ['videoTask(id)                                   ', videoTask, { id: prepared.taskId }],
      ['videoTasks(first: 20)                           ', page, { first: 20 }],
      ['videoTasks(first: 20, after: 10 days back)      ', page, { first: 20, after: deepCursor }],
      [
        'videoTasks(first: 20, filter: FAILED, 2 modes)  ',
        page,
        { first: 20, filter: { status: ['FAILED'], mode: ['FIRST_FRAME', 'REFERENCE_IMAGES'] } },
      ],
      // The same deep page with two fields per node: the index's own cost, without executing 20 full nodes.
      ['videoTasks(20, 10 days back) { id status }      ', pageIds, { first: 20, after: deepCursor }],
      ['usageReport(a past day, DAY, groupBy: [MODEL])  ', report, pastDay],
      [
        'usageReport(today, DAY, groupBy: [MODEL])       ',
        report,
        { from: prepared.today, to: dayAfter(prepared.today) },
      ],
    ];
    const results: Latency[] = [];
    for (const [, query, variables] of cases) results.push(await latency(url, key, query, variables));
    const base = results[0]!;
    // Today's report recomputed on every request (the worst case: a day whose tasks change all the
    // time): each request ends its range one millisecond later, so none is answered from the cache.
    const uncached = await sequentialMeanMs(200, (i) =>
      post(url, key, report, {
        from: prepared.today,
        to: new Date(Date.parse(dayAfter(prepared.today)) + i + 1).toISOString(),
      }),
    );
    // Its baseline measured the same way (sequential fetch calls, not autocannon).
    const fetchBase = await sequentialMeanMs(200, () => post(url, key, videoTask, { id: prepared.taskId }));
    return [
      `${store}: ${prepared.seeded.toLocaleString('en-US')} tasks (90 % one client, over 50 days + the last hour; ` +
        `${dayTasks.toLocaleString('en-US')} of the client's on the reported past day), ` +
        `seeded through the store's bulk insert in ${(prepared.seedMs / 1000).toFixed(1)} s`,
      `  mean latency over HTTP, ${CONNECTIONS} connection(s) (latency = connections / throughput), ${DURATION_S} s each; ` +
        'ratio to videoTask(id) in this run (goal: < 5 for every variant):',
      ...cases.map(([name], i) => {
        const r = results[i]!;
        return `  ${name} ${r.meanMs.toFixed(3).padStart(7)} ms  ${r.rps.toFixed(0).padStart(5)} req/s  ratio ${(r.meanMs / base.meanMs).toFixed(2)}`;
      }),
      `  usageReport(today, DAY, groupBy: [MODEL]) never cached  ${uncached.toFixed(3).padStart(7)} ms  ` +
        `(mean of 200 sequential fetch calls; videoTask(id) the same way ${fetchBase.toFixed(3)} ms)  ` +
        `ratio ${(uncached / fetchBase).toFixed(2)}`,
      `  first (uncached) report of that past day: ${cold.ms.toFixed(1)} ms; of today: ${coldToday.ms.toFixed(1)} ms (one request each)`,
    ];
  } finally {
    target.stop();
  }
}

/**
 * `videoTasks` pages and `usageReport` with 100,000 tasks stored, as latencies next to
 * `videoTask(id)` measured in the same run and the same process, per store backend.
 */
export async function benchHistoryUsage(): Promise<string[]> {
  const lines: string[] = [];
  for (const store of STORES) lines.push(...(await benchStore(store)));
  return lines;
}
