import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, sep } from 'node:path';

/** A built file of the web pages, held in memory. */
export interface WebAsset {
  contentType: string;
  bytes: Buffer;
}

/** Files of dist/web by URL path (`/demo/index.html`, `/assets/demo-1a2b.js`). */
export type WebAssets = ReadonlyMap<string, WebAsset>;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/**
 * Where `npm run build:web` (Vite) writes the pages: dist/web, seen from the compiled gateway
 * (dist/src/http) or from its sources under ts-jest (src/http); never the sources in web/.
 */
export const WEB_DIST_CANDIDATES = [join(__dirname, '../../web'), join(__dirname, '../../dist/web')].filter(
  (dir) => basename(dirname(dir)) === 'dist',
);

const loaded = new Map<string, WebAssets>();

/**
 * Reads every built file once per process (about 2 MB), so requests are answered from memory and
 * only files that exist can be named (no path from a request ever reaches the file system).
 * Undefined when the pages were not built.
 */
export function loadWebAssets(candidates: readonly string[] = WEB_DIST_CANDIDATES): WebAssets | undefined {
  const dir = candidates.find((candidate) => existsSync(join(candidate, 'demo', 'index.html')));
  if (!dir) return undefined;
  const cached = loaded.get(dir);
  if (cached) return cached;
  const assets = new Map<string, WebAsset>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = join(dir, entry);
    if (!statSync(file).isFile()) continue;
    const urlPath = `/${entry.split(sep).join('/')}`;
    assets.set(urlPath, {
      contentType: CONTENT_TYPES[extname(entry)] ?? 'application/octet-stream',
      bytes: readFileSync(file),
    });
  }
  loaded.set(dir, assets);
  return assets;
}
