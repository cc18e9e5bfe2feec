import { failureIn, head } from './failure-text';
import type { WsClientFrame } from './graphql-ws-cases';
import type { WsSession } from './graphql-ws-session';
import { hasInternalError, isErrorList } from './graphql-error-shape';
import { findLeak } from './leak-detection';
import { textOf } from './lazy-string';
import { isObject } from './plain-object';

/**
 * Checks one raw session: the socket closed with a 4xxx code (or 1000 after the client's own
 * close), nothing leaks, and every server message is a well-formed graphql-ws message without an
 * internal error. Throws with what was sent and received when not; returns the number of
 * successful generateVideo submissions it saw.
 */
export function checkWsSession(messages: WsClientFrame[], session: WsSession): number {
  const sent = messages.map((m) =>
    'bytes' in m ? `<${m.bytes.length} binary bytes>` : 'text' in m ? textOf(m.text) : m.json,
  );
  const fail = failureIn(
    `sent ${head(JSON.stringify(sent), 1200)}\n  received ${head(JSON.stringify(session.frames), 800)}\n  close ${JSON.stringify(session.close)}`,
  );
  if (session.close === null) fail('the socket never closed');
  const { code, reason, ours } = session.close!;
  // 4400 bad message, 4401 subscribe before ack, 4409 duplicate id, 4429 too many inits, ... are
  // the protocol's answers to a bad client; 4500/1011 are internal errors, 1006 an abrupt drop.
  const acceptable = ours ? code === 1000 || (code >= 4000 && code < 4500) : code >= 4000 && code < 4500;
  if (!acceptable)
    fail(`closed with ${code} ${JSON.stringify(reason)}${ours ? ' (after our close)' : ' by the server'}`);
  const leakInReason = findLeak(reason, session.sentText);
  if (leakInReason) fail(`the close reason leaks ${leakInReason}`);
  let successes = 0;
  for (const frame of session.frames) {
    if (frame.binary) fail('a binary frame from the server');
    const leak = findLeak(frame.text, session.sentText);
    if (leak) fail(`a message leaks ${leak}`);
    let message: unknown;
    try {
      message = JSON.parse(frame.text);
    } catch {
      return fail(`a frame that is not JSON: ${head(frame.text)}`);
    }
    if (!isObject(message) || typeof message.type !== 'string') return fail('a message without a type');
    switch (message.type) {
      case 'connection_ack':
      case 'pong':
      case 'ping':
      case 'complete':
        break;
      case 'error':
        if (!isErrorList(message.payload)) fail('an error message without a non-empty list of {message: string}');
        if (hasInternalError(message.payload)) fail('an unexpected (internal) error');
        break;
      case 'next': {
        const payload = message.payload;
        if (!isObject(payload) || !('data' in payload || isErrorList(payload.errors)))
          fail('a next message that is not an execution result');
        if (isObject(payload) && payload.errors !== undefined && !isErrorList(payload.errors))
          fail('a next message with a malformed errors list');
        if (isObject(payload) && hasInternalError(payload.errors)) fail('an unexpected (internal) error');
        const data = isObject(payload) ? payload.data : undefined;
        if (isObject(data) && isObject(data.generateVideo) && data.generateVideo.__typename === 'GenerateVideoSuccess')
          successes++;
        break;
      }
      default:
        fail(`a message of type ${JSON.stringify(message.type)}`);
    }
  }
  return successes;
}
