import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadWebAssets } from '../../src/http/web-assets';
import { createWebPages } from '../../src/http/web-pages';
import { startHarness, type Harness } from '../support/gateway-harness';

const HTML = { accept: 'text/html,application/xhtml+xml' };

/** Which pages the gateway serves under which settings, and how (the pages themselves run in test/web). */
describe('web pages (GraphiQL, /demo, their files)', () => {
  describe('outside production (introspection and DEMO_PAGE on by default)', () => {
    let h: Harness;
    let origin: string;
    beforeAll(async () => {
      h = await startHarness();
      origin = new URL(h.gateway.url).origin;
    });
    afterAll(() => h.stop());

    it('serves GraphiQL to browsers at GET /graphql, and GraphQL to everyone else', async () => {
      const page = await fetch(`${origin}/graphql`, { headers: HTML });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const policy = page.headers.get('content-security-policy');
      expect(policy).toMatch(/^default-src 'self';.*frame-ancestors 'none'/);
      expect(policy).toContain(`connect-src 'self' ws://${new URL(origin).host} wss://${new URL(origin).host}`);
      expect(await page.text()).toContain('<title>GraphiQL');
      const query = await fetch(`${origin}/graphql?query=%7B__typename%7D`, {
        headers: { 'apollo-require-preflight': 'true', authorization: 'Bearer key-alice' },
      });
      expect(await query.json()).toEqual({ data: { __typename: 'Query' } });
    });

    it('serves the demo at /demo and the hashed files it names, cached for good', async () => {
      const page = await fetch(`${origin}/demo`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const scripts = [...html.matchAll(/(?:src|href)="(\/web\/assets\/[^"]+)"/g)].map((m) => m[1]!);
      expect(scripts.length).toBeGreaterThan(0);
      for (const path of scripts) {
        const file = await fetch(`${origin}${path}`);
        expect(file.status).toBe(200);
        expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(file.headers.get('content-type')).toMatch(/^text\/(javascript|css); charset=utf-8$/);
      }
      expect((await fetch(`${origin}/demo/`)).status).toBe(200);
    });

    it('serves nothing else of the build nor of the disk', async () => {
      for (const path of [
        '/web/demo/index.html',
        '/web/assets/nope.js',
        '/web/assets/../../package.json',
        '/web/',
        '/demo/index.html',
      ]) {
        expect([path, (await fetch(`${origin}${path}`)).status]).toEqual([path, 404]);
      }
      expect((await fetch(`${origin}/demo`, { method: 'POST' })).status).toBe(404);
    });
  });

  describe('switched off', () => {
    let h: Harness;
    let origin: string;
    beforeAll(async () => {
      h = await startHarness({ env: { DEMO_PAGE: 'false', GRAPHQL_INTROSPECTION: 'false' } });
      origin = new URL(h.gateway.url).origin;
    });
    afterAll(() => h.stop());

    it('has no /demo, no GraphiQL and no files', async () => {
      expect((await fetch(`${origin}/demo`)).status).toBe(404);
      const graphql = await fetch(`${origin}/graphql`, { headers: HTML });
      expect(graphql.headers.get('content-type')).not.toMatch(/text\/html/);
      const script = [...(await (await builtDemoHtml()).matchAll(/src="(\/web\/assets\/[^"]+)"/g))][0]![1]!;
      expect((await fetch(`${origin}${script}`)).status).toBe(404);
    });
  });

  it('answers 503 with what to run when the pages were not built', async () => {
    const pages = createWebPages({ graphiql: true, demo: true, assets: loadWebAssets([]) });
    const server: Server = createServer((request, response) => {
      if (!pages?.(request, response, request.url ?? '/')) response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/demo`);
      expect(answer.status).toBe(503);
      expect(await answer.text()).toMatch(/npm run build:web/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

/** The built demo page, read from the build (to name a real asset file). */
async function builtDemoHtml(): Promise<string> {
  const demo = loadWebAssets()?.get('/demo/index.html');
  if (!demo) throw new Error('dist/web is not built: run npm run build:web');
  return demo.bytes.toString('utf8');
}
