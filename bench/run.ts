import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

/**
 * `npm run bench`: each figure is measured in one run against a baseline measured in the
 * same run, and printed as a ratio. Targets run in their own processes so the load
 * generator does not share their event loop.
 */

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

async function startTarget(script: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; info: Record<string, string> }> {
  const child = spawn(process.execPath, [join(__dirname, 'targets', script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [line] = (await once(lines, 'line')) as [string];
  clearTimeout(timer);
  return { child, info: JSON.parse(line) as Record<string, string> };
}

async function load(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const run = (duration: number) =>
    autocannon({ url, method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, connections: CONNECTIONS, duration });
  await run(2); // warm-up: JIT and connection set-up
  const result = await run(DURATION_S);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function main(): Promise<void> {
  const gateway = await startTarget('gateway-target.js');
  const { url, taskId, key } = gateway.info as { url: string; taskId: string; key: string };
  const query = JSON.stringify({
    query: 'query($id: ID!) { videoTask(id: $id) { id status revision createdAt options { resolution ratio durationSeconds } videos { url sizeBytes } usage { costUsd totalTokens } } }',
    variables: { id: taskId },
  });
  const headers = { authorization: `Bearer ${key}` };
  const sample = await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: query })).text();
  const bare = await startTarget('bare-target.js', { BENCH_BODY: sample });
  try {
    const bareRps = await load(bare.info.url!, query, headers);
    const gatewayRps = await load(url, query, headers);
    const lines = [
      `videoTask(id) over HTTP, ${CONNECTIONS} connections, ${DURATION_S} s each, same response body (${sample.length} bytes):`,
      `  bare node:http      ${bareRps.toFixed(0)} req/s`,
      `  gateway (Apollo 5)  ${gatewayRps.toFixed(0)} req/s`,
      `  ratio gateway/bare  ${(gatewayRps / bareRps).toFixed(3)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    gateway.child.kill('SIGKILL');
    bare.child.kill('SIGKILL');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
