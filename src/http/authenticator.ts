import type { ApiClient } from '../config/config';
import type { Viewer } from '../graphql/context';

/** The client every request acts as when no keys are configured outside production. */
export const DEV_VIEWER: Viewer = Object.freeze({ clientId: 'dev', admin: false });

/**
 * Turns an `Authorization` value (HTTP header or graphql-ws `connectionParams`) into a
 * viewer, or null when it is missing or wrong. Keys are compared as map lookups; the
 * credential itself is never logged or echoed.
 */
export class ApiKeyAuthenticator {
  constructor(private readonly keys: ReadonlyMap<string, ApiClient>) {}

  /** True when no keys are configured (development mode: everyone is `dev`). */
  get open(): boolean {
    return this.keys.size === 0;
  }

  authenticate(authorization: unknown): Viewer | null {
    if (this.open) return DEV_VIEWER;
    if (typeof authorization !== 'string') return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const client = match?.[1] ? this.keys.get(match[1]) : undefined;
    return client ? { clientId: client.clientId, admin: client.admin } : null;
  }
}
