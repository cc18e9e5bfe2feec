import { connect } from 'node:net';

/**
 * One-shot raw HTTP exchanges for hostile-input tests (test/http/hostile-input.property.test.ts):
 * write arbitrary bytes (garbage, broken framing, pipelined requests), half-close, and read
 * every response until the server closes. For step-by-step control of one connection (send
 * headers, wait, send more) see raw-connection.ts.
 */

/** One HTTP/1.x response as it came off the wire (body de-chunked when it was chunked). */
export interface RawHttpResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

/** Everything a raw exchange produced. */
export interface RawExchange {
  /** The final (non-1xx) responses, in order: more than one when the bytes held several requests. */
  responses: RawHttpResponse[];
  /** Every byte the server sent. */
  bytes: Buffer;
  /** Set when the connection ended in a socket error (e.g. ECONNRESET) instead of a clean close. */
  socketError?: string;
  /** Set when the bytes after the last parsed response could not be read as HTTP (e.g. WebSocket frames after a 101). */
  unparsedTail?: string;
}

/**
 * Writes `request` to a fresh TCP connection, half-closes it (so the server sees the end of
 * the request stream and never waits for bytes that will not come), and collects everything
 * until the server closes. Rejects when the server neither answers nor closes within
 * `timeoutMs`: a hung connection is a finding, not something to wait out.
 *
 * `methods` are those of the requests in `request`, in order, where known: the answer to a
 * HEAD has a Content-Length but no body, which only the request's method tells apart.
 */
export function rawHttpExchange(
  port: number,
  request: Uint8Array,
  { timeoutMs = 10_000, host = '127.0.0.1', methods = [] as readonly string[] } = {},
): Promise<RawExchange> {
  return new Promise<RawExchange>((resolve, reject) => {
    const socket = connect({ port, host, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let socketError: string | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no close from the server within ${timeoutMs} ms; received so far: ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 300))}`,
        ),
      );
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may stop reading early (e.g. after refusing the headers): the rest of the write then fails (EPIPE), which is fine.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      socketError = error.code ?? error.message;
    });
    socket.on('connect', () => socket.end(request));
    socket.on('close', () => {
      clearTimeout(timer);
      const bytes = Buffer.concat(chunks);
      const { responses, unparsedTail } = parseHttpResponses(bytes, methods);
      resolve({
        responses,
        bytes,
        ...(socketError ? { socketError } : {}),
        ...(unparsedTail !== undefined ? { unparsedTail } : {}),
      });
    });
  });
}

const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Reads consecutive HTTP/1.x responses from `bytes`; 1xx interim responses are skipped. The
 * n-th final response answers `methods[n]` when given (a HEAD's has no body).
 */
export function parseHttpResponses(
  bytes: Buffer,
  methods: readonly string[] = [],
): { responses: RawHttpResponse[]; unparsedTail?: string } {
  const responses: RawHttpResponse[] = [];
  let offset = 0;
  const stop = () => ({ responses, unparsedTail: bytes.subarray(offset).toString('latin1') });
  while (offset < bytes.length) {
    const headerEnd = bytes.indexOf(HEADER_END, offset);
    if (headerEnd < 0) return stop();
    const lines = bytes.subarray(offset, headerEnd).toString('latin1').split('\r\n');
    const statusLine = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
    if (!statusLine) return stop();
    const status = Number(statusLine[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    let cursor = headerEnd + HEADER_END.length;
    if (status === 101) {
      // Switching protocols: what follows is no longer HTTP.
      offset = cursor;
      return stop();
    }
    if (status >= 100 && status < 200) {
      offset = cursor;
      continue;
    }
    let body: Buffer;
    if (methods[responses.length] === 'HEAD' || status === 204 || status === 304) {
      body = Buffer.alloc(0);
    } else if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = bytes.indexOf('\r\n', cursor, 'latin1');
        if (lineEnd < 0) return stop();
        const size = parseInt(bytes.subarray(cursor, lineEnd).toString('latin1'), 16);
        if (!Number.isFinite(size)) return stop();
        cursor = lineEnd + 2;
        if (size === 0) {
          const trailerEnd = bytes.indexOf('\r\n', cursor, 'latin1');
          cursor = trailerEnd < 0 ? bytes.length : trailerEnd + 2;
          break;
        }
        parts.push(bytes.subarray(cursor, cursor + size));
        cursor += size + 2;
      }
      body = Buffer.concat(parts);
    } else if (headers['content-length'] !== undefined) {
      body = bytes.subarray(cursor, cursor + Number(headers['content-length']));
      cursor += body.length;
    } else {
      // Neither: the body runs to the close (or is empty, e.g. Node's own "400 Bad Request").
      body = bytes.subarray(cursor);
      cursor = bytes.length;
    }
    responses.push({ status, headers, body });
    offset = cursor;
  }
  return { responses };
}
