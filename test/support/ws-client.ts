import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A subscription's results as they arrive, and its end. */
export interface Subscription<T> {
  events: T[];
  /** Resolves with the events once the server completes the subscription; rejects on error. */
  completed: Promise<T[]>;
  /** Resolves once at least `count` events have arrived (deadline: `timeoutMs`). */
  received(count: number, timeoutMs?: number): Promise<T[]>;
  unsubscribe(): void;
}

/** A real graphql-ws client (graphql-transport-ws) for `url` (http:// is turned into ws://). */
export function wsClient(url: string, authorization?: string): Client {
  return createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** Subscribes and records every `data` payload (or rejects `completed` with the GraphQL errors). */
export function subscribe<T = Record<string, any>>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Subscription<T> {
  const events: T[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let finish!: (events: T[]) => void;
  let fail!: (error: unknown) => void;
  const completed = new Promise<T[]>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  completed.catch(() => undefined); // observed through `completed` or `received` only when asked
  let ended: unknown;
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) {
          ended = result.errors;
          fail(result.errors);
          return;
        }
        events.push(result.data as T);
        for (const waiter of [...waiters]) {
          if (events.length >= waiter.count) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
      },
      error: (error) => {
        ended = error;
        fail(error);
      },
      complete: () => finish(events),
    },
  );
  return {
    events,
    completed,
    unsubscribe,
    received(count, timeoutMs = 10_000) {
      if (events.length >= count) return Promise.resolve(events);
      if (ended) return Promise.reject(ended);
      return new Promise<T[]>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `only ${events.length} of ${count} events within ${timeoutMs} ms: ${JSON.stringify(events).slice(0, 500)}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(events);
          },
        });
        completed.catch((error: unknown) => {
          clearTimeout(timer);
          reject(error);
        });
      });
    },
  };
}
