import type { ServerResponse } from 'node:http';
import { sendJson } from './graphql-http-handler';

/** `GET /healthz`: the process is alive and serving. */
export function handleHealthz(response: ServerResponse): void {
  sendJson(response, 200, { status: 'ok' });
}

/** `GET /readyz`: the store answers, so requests can be served. */
export async function handleReadyz(response: ServerResponse, pingStore: () => Promise<void>): Promise<void> {
  try {
    await pingStore();
    sendJson(response, 200, { status: 'ready' });
  } catch {
    sendJson(response, 503, { status: 'unavailable', reason: 'store unreachable' });
  }
}
