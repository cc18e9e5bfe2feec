import type { IncomingMessage } from 'node:http';

/** The request body exceeded the configured limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Admission of large bodies: `admit` must resolve before more than `thresholdBytes` are read. */
export interface LargeBodyAdmission {
  thresholdBytes: number;
  /** Resolves once the body may be read; rejects to refuse the request (its body stays unread). */
  admit(): Promise<void>;
}

/**
 * Reads a request body as UTF-8, refusing more than `limitBytes` as early as possible:
 * from Content-Length before reading, otherwise as soon as the stream passes the limit.
 *
 * With `large`, a body declared larger than its threshold is admitted before any of it is
 * read, and a streamed (chunked) one as soon as it grows past the threshold; reading stops
 * while admission is pending, so the rest waits in the client's TCP window, not in memory.
 */
export async function readBody(
  request: IncomingMessage,
  limitBytes: number,
  large?: LargeBodyAdmission,
): Promise<string> {
  const header = request.headers['content-length'];
  const declared = header === undefined ? undefined : Number(header);
  if (declared !== undefined && declared > limitBytes) throw new BodyTooLargeError(limitBytes);
  if (large && declared !== undefined && declared > large.thresholdBytes) {
    await large.admit();
    return readDeclaredLength(request, declared);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  let admitted = false;
  // Leaving the loop early (too large, refused) must not destroy the request: the answer still has to go out.
  for await (const chunk of request.iterator({ destroyOnReturn: false })) {
    const buffer = chunk as Buffer;
    received += buffer.length;
    if (received > limitBytes) {
      request.resume(); // drain without keeping the rest
      throw new BodyTooLargeError(limitBytes);
    }
    chunks.push(buffer);
    if (large && !admitted && received > large.thresholdBytes) {
      admitted = true;
      await large.admit(); // the loop does not pull more while this waits
    }
  }
  return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, received).toString('utf8');
}

/**
 * An admitted body of known length goes straight into one buffer of that size, so it is held
 * once (then once more as the string), never as a list of chunks plus a concatenated copy.
 * Only admitted bodies get this: allocating up front for any declared length would let idle
 * clients make the gateway reserve memory they never send.
 */
async function readDeclaredLength(request: IncomingMessage, length: number): Promise<string> {
  const body = Buffer.allocUnsafe(length);
  let filled = 0;
  for await (const chunk of request.iterator({ destroyOnReturn: false })) {
    const buffer = chunk as Buffer;
    // node:http never delivers more than Content-Length; checked anyway, since copy() would truncate silently.
    if (filled + buffer.length > length) throw new Error('request body longer than its Content-Length');
    buffer.copy(body, filled);
    filled += buffer.length;
  }
  if (filled !== length) throw new Error('request body shorter than its Content-Length');
  return body.toString('utf8');
}
