import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What is known about the request (HTTP request or WebSocket operation) whose work is running:
 * its id from the start, the client once authenticated.
 */
export interface RequestScope {
  readonly requestId: string;
  clientId?: string;
}

const scopes = new AsyncLocalStorage<RequestScope>();

/**
 * Runs `fn` inside `scope`: everything it starts, awaits or schedules (timers included) sees
 * the scope, so log lines written on behalf of the request carry its id (see createLogger).
 */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/** The scope of the request whose work is running, if any. */
export function currentRequestScope(): RequestScope | undefined {
  return scopes.getStore();
}
