import { WebSocket } from 'ws';
import { WS_CLOSE } from './websocket-close';

/**
 * How long a socket closed as a slow consumer may take to drain its buffer and the close
 * frame behind it before it is cut: a stalled client would otherwise keep the socket (and its
 * buffered data) for ws' 30 s close timeout.
 */
export const SLOW_CONSUMER_GRACE_MS = 2_000;

/**
 * Closes `socket` (1013 "slow consumer") when more than `maxBufferedBytes` are already waiting
 * to be written to it, instead of buffering more; true when the socket is not (or no longer)
 * worth sending to. Call before each send: memory per socket stays about `maxBufferedBytes`
 * plus one message.
 */
export function closeIfSlowConsumer(socket: WebSocket, maxBufferedBytes: number): boolean {
  if (socket.readyState !== WebSocket.OPEN) return true;
  if (socket.bufferedAmount <= maxBufferedBytes) return false;
  socket.close(WS_CLOSE.SLOW_CONSUMER.code, WS_CLOSE.SLOW_CONSUMER.reason);
  const cut = setTimeout(() => socket.terminate(), SLOW_CONSUMER_GRACE_MS).unref();
  socket.once('close', () => clearTimeout(cut));
  return true;
}
