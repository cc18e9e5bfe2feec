import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { head } from './failure-text';
import type { WsClientFrame } from './graphql-ws-cases';
import { textOf } from './lazy-string';

/** What happened on one raw graphql-ws socket. */
export interface WsSession {
  /** Every frame the server sent, as text. */
  frames: Array<{ text: string; binary: boolean }>;
  /** How the socket closed (`ours`: after the client's own close), or null when it never did. */
  close: { code: number; reason: string; ours: boolean } | null;
  /** Everything the client sent, as text: what an answer may echo without leaking. */
  sentText: string;
  socketError?: string;
}

/**
 * Runs one raw graphql-transport-ws socket to `url`: connection_init with `authorization`, wait
 * for the ack, send `messages` as they are, then a sentinel query, then close. Records what
 * came back; rejects only when the server neither answers nor closes in time.
 */
export async function runWsSession(url: string, authorization: string, messages: WsClientFrame[]): Promise<WsSession> {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  const session: WsSession = { frames: [], close: null, sentText: '' };
  const sentinelId = `sentinel-${randomUUID()}`;
  let acked = false;
  let sentinelDone = false;
  let weClose = false;
  const listeners = new Set<() => void>();
  const notify = (): void => listeners.forEach((listener) => listener());
  const until = (condition: () => boolean, ms: number, what: string): Promise<void> =>
    new Promise<void>((resolveWait, rejectWait) => {
      const check = (): void => {
        if (!condition()) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolveWait();
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        rejectWait(
          new Error(
            `timed out after ${ms} ms waiting for ${what}; frames so far: ${head(JSON.stringify(session.frames), 800)}`,
          ),
        );
      }, ms);
      listeners.add(check);
      check();
    });
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    const text = data.toString('utf8');
    session.frames.push({ text, binary: isBinary });
    try {
      const message = JSON.parse(text) as { type?: string; id?: string };
      if (message.type === 'connection_ack') acked = true;
      if (message.id === sentinelId && (message.type === 'complete' || message.type === 'error')) sentinelDone = true;
    } catch {
      // judged later
    }
    notify();
  });
  socket.on('open', notify);
  socket.on('close', (code: number, reason: Buffer) => {
    session.close = { code, reason: reason.toString('utf8'), ours: weClose };
    notify();
  });
  socket.on('error', (error: Error) => {
    session.socketError = error.message;
    notify();
  });
  const open = (): boolean => socket.readyState === WebSocket.OPEN;
  try {
    await until(
      () => open() || session.close !== null || session.socketError !== undefined,
      5_000,
      'the socket to open',
    );
    if (!open()) return session;
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
    await until(() => acked || session.close !== null, 5_000, 'connection_ack');
    for (const message of messages) {
      if (!open()) break;
      if ('bytes' in message) {
        socket.send(Buffer.from(message.bytes), { binary: true });
        session.sentText += Buffer.from(message.bytes).toString('latin1');
      } else {
        const text = 'text' in message ? textOf(message.text) : (JSON.stringify(message.json) ?? 'null');
        session.sentText += text;
        socket.send('json' in message && message.binary ? Buffer.from(text) : text, {
          binary: 'json' in message && message.binary,
        });
      }
    }
    // graphql-ws starts handling messages in arrival order: once the sentinel's answer is back,
    // every earlier message has been handled at least as far (a 4xxx close included).
    if (open()) {
      socket.send(JSON.stringify({ id: sentinelId, type: 'subscribe', payload: { query: '{ __typename }' } }));
      await until(() => sentinelDone || session.close !== null, 10_000, 'the sentinel query or a close');
    }
    if (session.close === null) {
      weClose = true;
      socket.close(1000);
      await until(() => session.close !== null, 5_000, 'the close handshake');
    }
    return session;
  } finally {
    if (session.close === null) socket.terminate();
  }
}
