import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './graphql-http-handler';

/** Request headers a browser page may send: GraphQL, auth, tracing and Apollo's CSRF opt-in headers. */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-request-id',
  'traceparent',
  'tracestate',
  'apollo-require-preflight',
  'x-apollo-operation-name',
].join(', ');
/** Response headers a page may read besides the CORS-safelisted ones. */
const EXPOSED_HEADERS = 'x-request-id, retry-after, www-authenticate';
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
/** How long a browser may reuse a preflight answer. */
const PREFLIGHT_MAX_AGE_S = 600;

/**
 * CORS for browser pages on other origins (`CORS_ORIGINS`; `*` allows any). Without origins it
 * adds nothing. Credentials mode stays off: the gateway reads no cookies, and an Authorization
 * header set by the page's code is allowed by the preflight, not by credentials mode.
 *
 * Preflights are answered here, before Apollo, whose CSRF prevention would refuse them;
 * that prevention still applies to every other request, so a "simple" cross-site request
 * (a form post, a plain GET) is refused as before.
 */
export class CorsPolicy {
  private readonly anyOrigin: boolean;
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.anyOrigin = origins.includes('*');
    this.origins = new Set(origins);
  }

  /** Whether any origin is configured. */
  get enabled(): boolean {
    return this.origins.size > 0;
  }

  /**
   * Adds CORS headers for an allowed `Origin` and answers a preflight; true when the request
   * was answered (a preflight), false when it is to be served as usual.
   */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    if (!this.enabled) return false;
    const origin = request.headers.origin;
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    // The answer differs by Origin: caches must keep one per origin.
    response.setHeader('vary', 'Origin');
    if (origin === undefined || !this.allows(origin)) {
      if (!preflight) return false;
      request.resume();
      sendJson(response, 403, { error: 'origin not allowed' });
      return true;
    }
    response.setHeader('access-control-allow-origin', this.anyOrigin ? '*' : origin);
    response.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    if (!preflight) return false;
    request.resume();
    response.writeHead(204, {
      'access-control-allow-methods': ALLOWED_METHODS,
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
      'content-length': '0',
    });
    response.end();
    return true;
  }

  /**
   * Whether a WebSocket upgrade may proceed: with origins configured, a browser's upgrade
   * (it always sends `Origin`) must come from one of them or from the gateway's own origin.
   * Clients that are not browsers send no `Origin` and are not affected.
   */
  allowsUpgrade(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (!this.enabled || origin === undefined || this.allows(origin)) return true;
    return URL.canParse(origin) && new URL(origin).host === request.headers.host;
  }

  private allows(origin: string): boolean {
    return this.anyOrigin || this.origins.has(origin);
  }
}
