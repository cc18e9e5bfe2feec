import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Benchmark baseline: a bare node:http server that reads the request body and answers the
 * same JSON the gateway answers (given in BENCH_BODY). Prints `{ url }` once listening.
 */
const payload = process.env.BENCH_BODY ?? '{}';
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
    });
    response.end(payload);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/graphql` })}\n`);
});

// Leave with the bench: on its exit request, or when its IPC channel goes (it exited first).
process.on('message', (message: { type?: unknown }) => {
  if (message.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
