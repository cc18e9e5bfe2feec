import { startHarness, type Harness } from '../support/gateway-harness';
import { subscribe, wsClient } from '../support/ws-client';

/** In production, unexpected errors are masked and the schema is not introspectable. */
describe('production mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ store: 'sqlite', env: { NODE_ENV: 'production' } });
  });
  afterAll(() => h.stop());

  it('turns introspection off and hides field suggestions', async () => {
    const introspection = await h.gql('{ __schema { types { name } } }');
    expect(introspection.status).toBe(400);
    expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
    const typo = await h.gql('{ videoTsk(id: "x") { id } }');
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('refuses introspection over WebSocket too', async () => {
    const client = wsClient(h.gateway.url, 'Bearer key-alice');
    try {
      const result = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: '{ __schema { types { name } } }' }, { next: () => resolve('data'), error: resolve, complete: () => undefined });
      });
      expect(JSON.stringify(result)).toMatch(/introspection/i);
    } finally {
      await client.dispose();
    }
  });

  it('masks unexpected errors: no stack, no internal message', async () => {
    await h.gateway.store.close(); // every store read now fails inside the resolver
    const result = await h.gql('query { videoTask(id: "vt_1") { id } }');
    expect(result.errors).toEqual([{ message: 'Internal server error', path: ['videoTask'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    const ready = await fetch(h.gateway.url.replace(/graphql$/, 'readyz'));
    expect(ready.status).toBe(503);

    // The same masking on the WebSocket path, where Apollo's formatError does not run.
    const client = wsClient(h.gateway.url, 'Bearer key-alice');
    try {
      const masked = [{ message: 'Internal server error', path: expect.any(Array), extensions: { code: 'INTERNAL_SERVER_ERROR' } }];
      await expect(subscribe(client, 'query { videoTask(id: "vt_1") { id } }').completed).rejects.toEqual(masked);
      await expect(subscribe(client, 'subscription { videoTaskUpdated(id: "vt_1") { id } }').completed).rejects.toEqual(masked);
    } finally {
      await client.dispose();
    }
  });
});
