import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config';
import type { AuthenticatedViewer, BearerTokenVerifier } from './authenticator';

/**
 * Allowed clock difference between the token issuer and the gateway, on `exp` and `nbf`.
 * A token is honoured until `exp` + this tolerance, on HTTP and on open sockets alike.
 */
export const JWT_CLOCK_TOLERANCE_SECONDS = 5;

/** Longest `sub` accepted as a client id (it keys stored tasks and appears in logs). */
export const MAX_SUBJECT_LENGTH = 200;

/** The `roles` entry that makes a token's subject an admin client. */
export const ADMIN_ROLE = 'admin';

/** Where signing keys come from: a shared HS256 secret, or RS256/ES256 public keys from a JWKS URL. */
export type JwtKeySource = { kind: 'secret'; secret: string } | { kind: 'jwks'; url: string };

/** Options of {@link JwtVerifier}; `issuer` and `audience` are checked when set. */
export interface JwtVerifierOptions {
  keys: JwtKeySource;
  issuer?: string;
  audience?: string;
  logger: Logger;
  /** JWKS HTTP timeout; a timed-out fetch refuses the request in hand (default 3000). */
  jwksTimeoutMs?: number;
}

// A subject is an opaque id, but it ends up in logs and store keys: no control characters.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The key set could not be fetched or read: the token is refused, and operators are told. */
class KeySetUnavailableError extends Error {
  constructor(readonly reason: unknown) {
    super('JSON Web Key Set unavailable');
    this.name = 'KeySetUnavailableError';
  }
}

/**
 * Verifies JSON Web Tokens with jose: signature with exactly the configured algorithms (HS256
 * for a secret, RS256/ES256 for a JWKS; `none` and any other algorithm are refused before a key
 * is looked up), `exp` (required) and `nbf` within {@link JWT_CLOCK_TOLERANCE_SECONDS},
 * issuer and audience when configured. `sub` becomes the client id; `roles: ["admin"]` makes
 * an admin. JWKS keys are fetched and cached by jose's `createRemoteJWKSet` (refetched on an
 * unknown `kid`, at most every 30 s). Never throws and never logs the token.
 */
export class JwtVerifier implements BearerTokenVerifier {
  private readonly verifyToken: (token: string) => Promise<JWTPayload>;
  private readonly logger: Logger;

  constructor(options: JwtVerifierOptions) {
    this.logger = options.logger;
    const checks = {
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: JWT_CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'sub'],
    } satisfies JWTVerifyOptions;
    const source = options.keys;
    switch (source.kind) {
      case 'secret': {
        const secret = new TextEncoder().encode(source.secret);
        this.verifyToken = async (token) =>
          (await jwtVerify(token, secret, { ...checks, algorithms: ['HS256'] })).payload;
        break;
      }
      case 'jwks': {
        const keySet = remoteKeySet(source.url, options.jwksTimeoutMs ?? 3_000);
        this.verifyToken = async (token) =>
          (await jwtVerify(token, keySet, { ...checks, algorithms: ['RS256', 'ES256'] })).payload;
        break;
      }
      default: {
        const unknownSource: never = source;
        throw new Error(`unknown JWT key source ${JSON.stringify(unknownSource)}`);
      }
    }
  }

  /** The token's client, or null when the token is not accepted (or cannot be checked now). */
  async verify(token: string): Promise<AuthenticatedViewer | null> {
    let payload: JWTPayload;
    try {
      payload = await this.verifyToken(token);
    } catch (error) {
      if (error instanceof KeySetUnavailableError) {
        this.logger.warn({ err: error.reason }, 'JWKS unavailable: bearer token refused');
      } else if (error instanceof errors.JOSEError) {
        // Expected for bad tokens; the code says why without echoing claims or the token.
        this.logger.debug({ code: error.code }, 'bearer token refused');
      } else {
        this.logger.warn({ err: error }, 'bearer token could not be verified');
      }
      return null;
    }
    const clientId = payload.sub;
    if (
      typeof clientId !== 'string' ||
      clientId.length === 0 ||
      clientId.length > MAX_SUBJECT_LENGTH ||
      CONTROL_CHARACTERS.test(clientId)
    ) {
      this.logger.debug({ code: 'ERR_SUBJECT' }, 'bearer token refused');
      return null;
    }
    const roles: unknown = payload.roles;
    // Anything but an array of strings grants no role: privileges are never guessed.
    const admin = Array.isArray(roles) && roles.some((role) => role === ADMIN_ROLE);
    // `exp` is required by jwtVerify, so it is a number here.
    const expiresAtMs = ((payload.exp ?? 0) + JWT_CLOCK_TOLERANCE_SECONDS) * 1000;
    return { viewer: { clientId, admin }, expiresAtMs };
  }
}

/**
 * jose's cached remote key set, with its failures to fetch or read the set told apart from
 * a token naming a key the set lacks (a bad token, not an outage).
 */
function remoteKeySet(url: string, timeoutDuration: number): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(new URL(url), { timeoutDuration });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new KeySetUnavailableError(error);
    }
  };
}

/** The verifier for `config.jwt`, or undefined when JWTs are not configured (keys only). */
export function createJwtVerifier(config: GatewayConfig['jwt'], logger: Logger): JwtVerifier | undefined {
  const keys: JwtKeySource | undefined = config.secret
    ? { kind: 'secret', secret: config.secret }
    : config.jwksUrl
      ? { kind: 'jwks', url: config.jwksUrl }
      : undefined;
  return keys ? new JwtVerifier({ keys, issuer: config.issuer, audience: config.audience, logger }) : undefined;
}
