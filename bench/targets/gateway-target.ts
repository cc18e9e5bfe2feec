import 'reflect-metadata';
import { loadConfig } from '../../src/config/config';
import { startGateway } from '../../src/gateway';
import { createLogger } from '../../src/logger';
import { startSimulator } from '../../src/simulator';

/**
 * Benchmark target: simulator + gateway (memory store, production mode) in this process,
 * one finished task stored. Prints one JSON line `{ url, taskId, key }`, then serves until killed.
 */
async function main(): Promise<void> {
  const key = 'bench-key';
  const simulator = await startSimulator({ apiKey: 'sim', queueMs: 0, runMs: 0 });
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    STORE_URL: 'memory://',
    GATEWAY_API_KEYS: `${key}:bench`,
    POLL_MIN_INTERVAL_MS: '10',
    POLL_MAX_INTERVAL_MS: '50',
  });
  const gateway = await startGateway(config, { baseUrl: simulator.url, apiKey: 'sim' }, createLogger('silent'));
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: 'mutation { generateVideo(input: { textToVideo: { prompt: "bench" } }) { ... on GenerateVideoSuccess { task { id } } } }' }),
  });
  const body = (await response.json()) as { data: { generateVideo: { task: { id: string } } } };
  const taskId = body.data.generateVideo.task.id;
  // Wait for the finished state so the benchmark reads a complete task (videos, usage).
  for (let i = 0; i < 500 && gateway.poller.size > 0; i += 1) await new Promise((r) => setTimeout(r, 10));
  process.stdout.write(`${JSON.stringify({ url: gateway.url, taskId, key })}\n`);
}

void main();
