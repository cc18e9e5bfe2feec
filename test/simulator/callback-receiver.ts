/** A local HTTP server that records callback deliveries, for the callback tests. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One delivery as received. */
export interface Delivery {
  path: string;
  contentType: string | undefined;
  body: any;
}

/** What the receiver does with a request. */
export type Reply = 'ok' | 'error' | 'hang';

/** A started receiver. */
export interface CallbackReceiver {
  url: string;
  deliveries: Delivery[];
  /** Decides per request; default 'ok'. */
  reply: (path: string) => Reply;
  close(): Promise<void>;
}

/** Starts a receiver on a random loopback port. */
export async function startReceiver(): Promise<CallbackReceiver> {
  const receiver: CallbackReceiver = { url: '', deliveries: [], reply: () => 'ok', close: async () => undefined };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      receiver.deliveries.push({
        path,
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      const reply = receiver.reply(path);
      if (reply === 'hang') return;
      res.writeHead(reply === 'ok' ? 204 : 500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
