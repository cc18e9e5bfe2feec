import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebAsset, WebAssets } from './web-assets';

/** Which browser pages the gateway serves. */
export interface WebPagesOptions {
  /** GraphiQL at `GET /graphql` for browsers (on when introspection is). */
  graphiql: boolean;
  /** The demo at `/demo`. */
  demo: boolean;
  /** The built pages; undefined when `npm run build:web` has not run. */
  assets: WebAssets | undefined;
}

/** Answers a request when it is for a page or its files; false to let other routes have it. */
export type WebPagesHandler = (request: IncomingMessage, response: ServerResponse, path: string) => boolean;

/** URL prefix of the built scripts and styles (Vite's `base`). */
const ASSET_PREFIX = '/web/';

// Scripts and styles only from the gateway (no CDN, no inline script); videos and images may come
// from the upstream's file host; GraphiQL's editors set inline styles.
const PAGE_POLICY = [
  "default-src 'self'",
  "img-src 'self' data: blob: http: https:",
  "media-src 'self' blob: http: https:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * A page's headers. The WebSocket of its own host is named in `connect-src` as well: not every
 * browser counts ws:// and wss:// of the page's host as 'self'.
 */
function pageHeaders(request: IncomingMessage): Record<string, string> {
  const host = request.headers.host;
  const sockets = host && HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return {
    'content-security-policy': `${PAGE_POLICY}; connect-src 'self'${sockets}`,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}
// File names carry a content hash: they never change.
const ASSET_HEADERS = { 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' };

/**
 * The browser pages: GraphiQL (`GET /graphql` asking for HTML), the demo (`/demo`) and their
 * files (`/web/assets/...`), all from the build in memory. Pages switched off are not answered here.
 */
export function createWebPages(options: WebPagesOptions): WebPagesHandler | undefined {
  if (!options.graphiql && !options.demo) return undefined;
  const { assets } = options;
  const send = (
    request: IncomingMessage,
    response: ServerResponse,
    asset: WebAsset | undefined,
    headers: Record<string, string>,
  ): true => {
    if (!asset) {
      const text = 'The web pages are not built: run `npm run build:web` (npm start does it).\n';
      response.writeHead(503, {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
      return true;
    }
    response.writeHead(200, { ...headers, 'content-type': asset.contentType, 'content-length': asset.bytes.length });
    response.end(request.method === 'HEAD' ? undefined : asset.bytes);
    return true;
  };
  return (request, response, path) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    if (options.graphiql && path === '/graphql' && request.headers.accept?.includes('text/html')) {
      return send(request, response, assets?.get('/graphiql/index.html'), pageHeaders(request));
    }
    if (options.demo && (path === '/demo' || path === '/demo/')) {
      return send(request, response, assets?.get('/demo/index.html'), pageHeaders(request));
    }
    if (path.startsWith(ASSET_PREFIX)) {
      const asset = assets?.get(`/${path.slice(ASSET_PREFIX.length)}`);
      // Only the built scripts and styles; the pages themselves are served at their own paths.
      if (asset && path.startsWith(`${ASSET_PREFIX}assets/`)) return send(request, response, asset, ASSET_HEADERS);
    }
    return false;
  };
}
