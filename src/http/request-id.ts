import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The response header naming the request (the caller's own `x-request-id`, or a new UUID). */
export const REQUEST_ID_HEADER = 'x-request-id';

/** The caller's request id when it sent a usable one (bounded, printable), else a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && /^[\x21-\x7e]{1,100}$/.test(given) ? given : randomUUID();
}
