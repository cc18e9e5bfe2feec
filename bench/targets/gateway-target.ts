import 'reflect-metadata';
import { freePort } from '../../test/support/free-port';
import { loadConfig } from '../../src/config/config';
import { startGateway } from '../../src/gateway';
import { createLogger } from '../../src/logger';
import { startSimulator } from '../../src/simulator';

/**
 * Benchmark target: simulator + gateway in this process (production mode), driven by its
 * parent over IPC. Configuration comes from env:
 * - BENCH_GATEWAY_ENV: JSON of extra gateway env variables (POLL_*, STORE_URL (default memory://), ...)
 * - BENCH_SIM_QUEUE_MS / BENCH_SIM_RUN_MS: simulated generation timing
 * - BENCH_SIM_URL: use the simulator another target started (a second replica) instead of starting one
 * - BENCH_CALLBACKS=1: PUBLIC_BASE_URL points at this gateway (upstream callbacks on)
 * Prints one JSON line `{ url, key }` when ready. Requests (process.send): see `Request`.
 */
type Request =
  | { id: number; type: 'submit'; count: number; prompt?: string }
  | { id: number; type: 'complete'; upstreamTaskIds: string[] }
  | { id: number; type: 'stats' }
  | { id: number; type: 'heap' }
  | { id: number; type: 'exit' };

async function main(): Promise<void> {
  const key = 'bench-key';
  const external = process.env.BENCH_SIM_URL;
  const simulator = external
    ? undefined
    : await startSimulator({
        apiKey: 'sim',
        queueMs: Number(process.env.BENCH_SIM_QUEUE_MS ?? 0),
        runMs: Number(process.env.BENCH_SIM_RUN_MS ?? 0),
      });
  const simulatorUrl = external ?? simulator!.url;
  const port = process.env.BENCH_CALLBACKS === '1' ? await freePort() : 0;
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'silent',
    STORE_URL: 'memory://',
    SPARK_DANCE_API_KEY: 'sim',
    SPARK_DANCE_BASE_URL: simulatorUrl,
    GATEWAY_API_KEYS: `${key}:bench`,
    ...(port
      ? { PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, CALLBACK_SECRET: 'bench-secret-bench-secret-bench-secret' }
      : {}),
    ...(JSON.parse(process.env.BENCH_GATEWAY_ENV ?? '{}') as Record<string, string>),
  });
  const gateway = await startGateway(config, { baseUrl: simulatorUrl, apiKey: 'sim' }, createLogger('silent'));

  const submit = async (prompt: string): Promise<{ id: string; upstreamTaskId: string }> => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        query:
          'mutation($p: String!) { generateVideo(input: { textToVideo: { prompt: $p } }) { ... on GenerateVideoSuccess { task { id upstreamTaskId } } } }',
        variables: { p: prompt },
      }),
    });
    const body = (await response.json()) as {
      data: { generateVideo: { task: { id: string; upstreamTaskId: string } } };
    };
    return body.data.generateVideo.task;
  };

  process.on('disconnect', () => process.exit(0)); // the bench is gone
  process.on('message', (raw) => {
    const request = raw as Request;
    const reply = (result: unknown) => process.send?.({ id: request.id, result });
    switch (request.type) {
      case 'submit':
        void Promise.all(
          Array.from({ length: request.count }, (_, i) => submit(`${request.prompt ?? 'bench'} ${i}`)),
        ).then(reply);
        return;
      case 'complete':
        reply(request.upstreamTaskIds.map((id) => simulator?.control.complete(id).status));
        return;
      case 'stats':
        reply({ simulator: simulator?.stats(), watched: gateway.poller.size });
        return;
      case 'heap':
        (globalThis as { gc?: () => void }).gc?.();
        reply(process.memoryUsage());
        return;
      case 'exit': // a normal exit, so --cpu-prof can write its profile
        process.exit(0);
    }
  });
  process.stdout.write(`${JSON.stringify({ url: gateway.url, key, simulatorUrl })}\n`);
}

void main();
