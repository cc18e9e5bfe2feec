import { wsClient } from '../ws-client';

/**
 * Checks that a real graphql-ws client still connects to `url` with `authorization` and runs a
 * query (within 5 s); rejects otherwise.
 */
export async function assertFreshWsClientWorks(url: string, authorization: string): Promise<void> {
  const client = wsClient(url, authorization);
  try {
    const result = await new Promise<unknown>((resolveQuery, rejectQuery) => {
      const timer = setTimeout(() => rejectQuery(new Error('a fresh client got no answer within 5 s')), 5_000);
      client.subscribe(
        { query: 'query { __typename }' },
        {
          next: (value) => {
            clearTimeout(timer);
            resolveQuery(value);
          },
          error: (error) => {
            clearTimeout(timer);
            rejectQuery(error instanceof Error ? error : new Error(JSON.stringify(error)));
          },
          complete: () => undefined,
        },
      );
    });
    if (JSON.stringify(result) !== '{"data":{"__typename":"Query"}}')
      throw new Error(`a fresh client got ${JSON.stringify(result)}`);
  } finally {
    await client.dispose();
  }
}
