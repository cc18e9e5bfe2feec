import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A stand-in OTLP/HTTP collector on loopback that records what it is sent. */
async function startCollector(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/**
 * The OTLP exporter loads its HTTP agent with a dynamic import, which jest's module sandbox cannot
 * run: the real entry point runs in a child process instead, as in production.
 */
describe('OTLP export (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let gateway: GatewayProcess | undefined;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  beforeAll(async () => {
    collector = await startCollector();
  });
  afterAll(async () => {
    gateway?.child.kill('SIGKILL');
    await new Promise<void>((resolve) => collector.server.close(() => resolve()));
  });

  it('sends the batched spans to {endpoint}/v1/traces, at the latest when the gateway stops', async () => {
    gateway = spawnGateway({
      STORE_URL: 'memory://',
      GATEWAY_API_KEYS: 'otlp-key:alice',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_SERVICE_NAME: 'gw-under-test',
    });
    const url = (await gateway.waitForLog((line) => line.msg === 'gateway listening')).url as string;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer otlp-key' },
      body: JSON.stringify({ query: 'query Exported { __typename }' }),
    });
    expect(response.status).toBe(200);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    const exports = collector.received.filter((request) => request.url === '/v1/traces');
    expect(exports.length).toBeGreaterThanOrEqual(1);
    expect(exports[0]).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
    const payload = Buffer.concat(exports.map((request) => request.body)).toString('latin1');
    expect(payload).toContain('query Exported');
    expect(payload).toContain('gw-under-test');
  });
});
