import { startHarness, type Harness } from '../support/gateway-harness';
import { subscribe, wsClient } from '../support/ws-client';

/** In production, unexpected errors are masked and the schema is not introspectable. */
describe('production mode', () => {
  let h: Harness;
  const logLines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    h = await startHarness({ store: 'sqlite', env: { NODE_ENV: 'production' }, logLines });
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
        client.subscribe(
          { query: '{ __schema { types { name } } }' },
          { next: () => resolve('data'), error: resolve, complete: () => undefined },
        );
      });
      expect(JSON.stringify(result)).toMatch(/introspection/i);
    } finally {
      await client.dispose();
    }
  });

  it('refuses a subscription sent over HTTP with a validation error pointing at graphql-ws, not an internal error', async () => {
    const response = await h.gql('subscription { myVideoTaskUpdates { id } }');
    expect(response.status).toBe(400);
    expect(response.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/WebSocket \(graphql-ws/),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('hides suggestions in variable errors too, on HTTP and WebSocket', async () => {
    const query = 'query($input: GenerateVideoInput!) { generateVideo(input: $input) { __typename } }';
    const variables = { input: { textToVideo: { promt: 'a typo', options: { resolution: 'P72' } } } };
    const http = await h.gql(query.replace('query', 'mutation'), variables);
    expect(http.status).toBe(400);
    expect(http.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(http.errors)).not.toMatch(/Did you mean/);
    const client = wsClient(h.gateway.url, 'Bearer key-alice');
    try {
      const ws = await subscribe(client, query.replace('query', 'mutation'), variables).completed.catch(
        (errors: unknown) => errors,
      );
      expect(JSON.stringify(ws)).toMatch(/promt/);
      expect(JSON.stringify(ws)).not.toMatch(/Did you mean/);
    } finally {
      await client.dispose();
    }
  });

  it('answers bad variable values over WebSocket as BAD_USER_INPUT, not as internal errors', async () => {
    const client = wsClient(h.gateway.url, 'Bearer key-alice');
    try {
      for (const variables of [{}, { id: {} }, { id: null }]) {
        const errors = (await subscribe(
          client,
          'query($id: ID!) { videoTask(id: $id) { id } }',
          variables,
        ).completed.catch((e: unknown) => e)) as Array<{
          message: string;
          extensions: { code: string };
        }>;
        expect(errors.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
        expect(errors[0]!.message).toMatch(/\$id/);
      }
    } finally {
      await client.dispose();
    }
  });

  it('masks unexpected errors: no stack, no internal message; logs them in full with the request id', async () => {
    await h.gateway.store.close(); // every store read now fails inside the resolver
    const response = await fetch(h.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer key-alice' },
      body: JSON.stringify({ query: 'query { videoTask(id: "vt_1") { id } }' }),
    });
    const result = (await response.json()) as { errors: unknown };
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    // The caller can quote the id; the log line with that id has the whole story.
    expect(result.errors).toEqual([
      {
        message: 'Internal server error',
        path: ['videoTask'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
      },
    ]);
    const logged = logLines.find((line) => line.requestId === requestId);
    expect(logged).toMatchObject({ level: 50, msg: 'unexpected GraphQL error' });
    expect(JSON.stringify(logged)).toMatch(/stack/);
    const ready = await fetch(h.gateway.url.replace(/graphql$/, 'readyz'));
    expect(ready.status).toBe(503);

    // The same masking on the WebSocket path, where Apollo's formatError does not run.
    const client = wsClient(h.gateway.url, 'Bearer key-alice');
    try {
      const masked = (extensions: Record<string, unknown>) => [
        {
          message: 'Internal server error',
          path: expect.any(Array),
          extensions: { code: 'INTERNAL_SERVER_ERROR', ...extensions },
        },
      ];
      await expect(subscribe(client, 'query { videoTask(id: "vt_1") { id } }').completed).rejects.toEqual(
        masked({ requestId: expect.any(String) }),
      );
      // A subscription's execution may be shared by several subscribers: its errors name no one request.
      const before = logLines.length;
      await expect(subscribe(client, 'subscription { videoTaskUpdated(id: "vt_1") { id } }').completed).rejects.toEqual(
        masked({}),
      );
      expect(logLines.slice(before).filter((line) => line.level === 50)).toHaveLength(1);
    } finally {
      await client.dispose();
    }
  });
});
