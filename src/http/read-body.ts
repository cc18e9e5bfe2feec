import type { IncomingMessage } from 'node:http';

/** The request body exceeded the configured limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a request body as UTF-8, refusing more than `limitBytes` as early as possible:
 * from Content-Length before reading, otherwise as soon as the stream passes the limit.
 */
export async function readBody(request: IncomingMessage, limitBytes: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw new BodyTooLargeError(limitBytes);
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    received += buffer.length;
    if (received > limitBytes) {
      request.resume(); // drain without keeping the rest
      throw new BodyTooLargeError(limitBytes);
    }
    chunks.push(buffer);
  }
  return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, received).toString('utf8');
}
