import { connect, type Socket } from 'node:net';

/**
 * HTTP/1.1 over a bare TCP socket, for what fetch cannot do: send headers and stop, declare a
 * length and send less, stream a chunked body piece by piece, and see the server close.
 *
 * Usage:
 * ```ts
 * const c = rawConnection(port);
 * c.send(requestHead('POST', '/graphql', { 'content-length': '100' }));
 * c.send('{"query":');                 // ...and never the rest
 * expect((await c.response).status).toBe(408);
 * await c.closed;
 * ```
 */
export interface RawConnection {
  socket: Socket;
  send(data: string | Buffer): void;
  /** The first response on the connection (rejects if the connection ends without one). */
  response: Promise<RawResponse>;
  /** Resolves when the connection is closed, with the socket error seen, if any (e.g. ECONNRESET). */
  closed: Promise<{ errorCode: string | undefined }>;
}

/** A parsed response: header names in lower case, the body decoded (chunked or not). */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** `METHOD path HTTP/1.1` with the given headers (plus Host) and the blank line. */
export function requestHead(method: string, path: string, headers: Record<string, string>): string {
  const lines = Object.entries({ host: '127.0.0.1', ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

/** One chunk of a chunked body (`chunk('')` is the terminating one). */
export function chunk(data: string | Buffer): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([
    Buffer.from(`${bytes.length.toString(16)}\r\n`, 'latin1'),
    bytes,
    Buffer.from('\r\n', 'latin1'),
  ]);
}

/** Opens a connection to 127.0.0.1:`port`. */
export function rawConnection(port: number): RawConnection {
  const socket = connect(port, '127.0.0.1');
  let received = Buffer.alloc(0);
  let errorCode: string | undefined;
  let settle!: { resolve: (response: RawResponse) => void; reject: (error: Error) => void };
  const response = new Promise<RawResponse>((resolve, reject) => (settle = { resolve, reject }));
  response.catch(() => undefined); // observed only by tests that look at it

  const parse = (ended: boolean): void => {
    const headEnd = received.indexOf('\r\n\r\n');
    if (headEnd === -1) {
      if (ended)
        settle.reject(
          new Error(
            `connection closed before a response (${errorCode ?? 'no error'}): ${JSON.stringify(received.toString('latin1'))}`,
          ),
        );
      return;
    }
    const [statusLine = '', ...lines] = received.subarray(0, headEnd).toString('latin1').split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const rest = received.subarray(headEnd + 4);
    const body = bodyOf(headers, rest, ended);
    if (body !== undefined) settle.resolve({ status, headers, body });
    else if (ended)
      settle.reject(
        new Error(`connection closed in the middle of a response: ${JSON.stringify(received.toString('latin1'))}`),
      );
  };
  socket.on('data', (data: Buffer) => {
    received = Buffer.concat([received, data]);
    parse(false);
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    errorCode = error.code;
  });
  const closed = new Promise<{ errorCode: string | undefined }>((resolve) => {
    socket.on('close', () => {
      parse(true);
      resolve({ errorCode });
    });
  });
  return {
    socket,
    send: (data) => {
      if (!socket.destroyed) socket.write(data);
    },
    response,
    closed,
  };
}

/** The body once complete, else undefined. */
function bodyOf(headers: Record<string, string>, rest: Buffer, ended: boolean): string | undefined {
  const length = headers['content-length'];
  if (length !== undefined)
    return rest.length >= Number(length) ? rest.subarray(0, Number(length)).toString('utf8') : undefined;
  if (headers['transfer-encoding'] !== 'chunked') return ended ? rest.toString('utf8') : undefined;
  const parts: Buffer[] = [];
  for (let at = 0; ;) {
    const lineEnd = rest.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts).toString('utf8');
    if (rest.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
