import type { ApiClient } from '../config/config';
import type { Viewer } from '../graphql/context';

/** The client every request acts as when neither keys nor tokens are configured outside production. */
export const DEV_VIEWER: Viewer = Object.freeze({ clientId: 'dev', admin: false });

/** Longest bearer value looked at; anything longer is refused before any parsing or crypto. */
export const MAX_BEARER_LENGTH = 8192;

/** Who a credential names, and until when the gateway honours it. */
export interface AuthenticatedViewer {
  viewer: Viewer;
  /**
   * Epoch milliseconds after which the credential is no longer honoured (a token's `exp`
   * plus the clock tolerance); undefined for credentials that do not expire (API keys).
   * Long-lived connections are closed at this instant.
   */
  expiresAtMs: number | undefined;
}

/**
 * Turns an `Authorization` value (HTTP header or graphql-ws `connectionParams`) into an
 * identity, or null when it is missing or not accepted. Never throws, never logs the credential.
 */
export interface Authenticator {
  /** True in development mode: nothing is configured and everyone is {@link DEV_VIEWER}. */
  readonly open: boolean;
  authenticate(authorization: unknown): Promise<AuthenticatedViewer | null>;
}

/** Verifies one kind of bearer token (e.g. a JWT); null when it is not accepted. */
export interface BearerTokenVerifier {
  verify(token: string): Promise<AuthenticatedViewer | null>;
}

// Three base64url segments; the signature may be empty (`alg: none`), which the verifier refuses.
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The gateway's authenticator: static API keys (`GATEWAY_API_KEYS`) and, when configured,
 * JSON Web Tokens. A bearer value shaped like a JWT goes to the token verifier when there is
 * one, anything else to the key table (a map lookup). With neither keys nor a verifier, the
 * gateway is open (development mode).
 */
export class BearerAuthenticator implements Authenticator {
  constructor(
    private readonly keys: ReadonlyMap<string, ApiClient>,
    private readonly tokens?: BearerTokenVerifier,
  ) {}

  get open(): boolean {
    return this.keys.size === 0 && this.tokens === undefined;
  }

  async authenticate(authorization: unknown): Promise<AuthenticatedViewer | null> {
    if (this.open) return { viewer: DEV_VIEWER, expiresAtMs: undefined };
    const credential = bearerCredential(authorization);
    if (credential === undefined) return null;
    if (this.tokens && JWT_SHAPE.test(credential)) return this.tokens.verify(credential);
    const client = this.keys.get(credential);
    return client ? { viewer: { clientId: client.clientId, admin: client.admin }, expiresAtMs: undefined } : null;
  }
}

/** The credential of an `Authorization: Bearer <credential>` value; undefined when there is none. */
function bearerCredential(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string' || authorization.length > MAX_BEARER_LENGTH + 20) return undefined;
  const credential = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  return credential && credential.length <= MAX_BEARER_LENGTH ? credential : undefined;
}
