import autocannon from 'autocannon';
import { benchStores, withBenchStore, type BenchStore } from './bench-stores';
import { startTarget } from './target';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
/** `sqlite,postgres` by default. */
const STORES = benchStores(process.env.BENCH_QPS_STORES ?? 'sqlite,postgres');

async function load(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const run = (duration: number) =>
    autocannon({
      url,
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
      connections: CONNECTIONS,
      duration,
    });
  await run(2); // warm-up: JIT and connection set-up
  const result = await run(DURATION_S);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

/** `videoTask(id)` over HTTP, queries per second, next to a bare node:http server answering the same JSON, per store. */
export async function benchHttpQps(): Promise<string[]> {
  const lines: string[] = [];
  for (const store of STORES) lines.push(...(await withBenchStore(store, (storeUrl) => benchOnStore(store, storeUrl))));
  return lines;
}

async function benchOnStore(store: BenchStore, storeUrl: string): Promise<string[]> {
  const gateway = await startTarget('gateway-target.js', {
    BENCH_GATEWAY_ENV: JSON.stringify({ STORE_URL: storeUrl }),
  });
  try {
    const { url, key } = gateway.info as { url: string; key: string };
    const [task] = await gateway.request<Array<{ id: string }>>({ type: 'submit', count: 1 });
    const headers = { authorization: `Bearer ${key}` };
    const query = JSON.stringify({
      query:
        'query($id: ID!) { videoTask(id: $id) { id status revision createdAt options { resolution ratio durationSeconds } videos { url sizeBytes } usage { costUsd totalTokens } } }',
      variables: { id: task!.id },
    });
    // Let the (instant) simulated generation finish so the task read is a complete one.
    for (let i = 0; i < 500 && (await gateway.request<{ watched: number }>({ type: 'stats' })).watched > 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const sample = await (
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: query })
    ).text();
    const bare = await startTarget('bare-target.js', { BENCH_BODY: sample });
    try {
      const bareRps = await load(bare.info.url!, query, headers);
      const gatewayRps = await load(url, query, headers);
      return [
        `${store}: videoTask(id) over HTTP, ${CONNECTIONS} connections, ${DURATION_S} s each, ` +
          `same response body (${sample.length} bytes):`,
        `  bare node:http      ${bareRps.toFixed(0)} req/s`,
        `  gateway (Apollo 5)  ${gatewayRps.toFixed(0)} req/s`,
        `  ratio gateway/bare  ${(gatewayRps / bareRps).toFixed(3)}`,
      ];
    } finally {
      bare.stop();
    }
  } finally {
    gateway.stop();
  }
}
