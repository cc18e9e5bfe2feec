/**
 * GraphiQL served by the gateway itself (no CDN): queries and mutations over HTTP, subscriptions
 * over graphql-ws on the same `/graphql`. The Authorization header typed in the headers editor
 * goes with HTTP requests and, as `connectionParams.authorization`, with the WebSocket.
 */
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createClient, type Client } from 'graphql-ws';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

const httpUrl = `${location.origin}/graphql`;
const wsUrl = httpUrl.replace(/^http/, 'ws');

const DEFAULT_QUERY = `# Queries and mutations go over HTTP, subscriptions over graphql-ws.
# With GATEWAY_API_KEYS set, put {"Authorization": "Bearer <key>"} in Headers below.
query RecentTasks {
  videoTasks(first: 5) {
    edges { node { id status mode createdAt videos { url } } }
    pageInfo { hasNextPage endCursor }
  }
}
`;

/** The Authorization value among GraphiQL's headers, whatever its case. */
function authorizationOf(headers: Record<string, unknown> | undefined): string | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'authorization' && typeof value === 'string') return value;
  }
  return undefined;
}

/** One graphql-ws client per Authorization value: a changed header opens a new authenticated socket. */
function authorizedFetcher(): Fetcher {
  let current: { authorization: string | undefined; client: Client; fetcher: Fetcher } | undefined;
  return (params, options) => {
    const authorization = authorizationOf(options?.headers);
    if (!current || current.authorization !== authorization) {
      void current?.client.dispose();
      const client = createClient({ url: wsUrl, connectionParams: authorization ? { authorization } : {}, lazy: true });
      current = { authorization, client, fetcher: createGraphiQLFetcher({ url: httpUrl, wsClient: client }) };
    }
    return current.fetcher(params, options);
  };
}

const root = document.getElementById('graphiql');
if (!root) throw new Error('#graphiql is missing from the page');
createRoot(root).render(
  <StrictMode>
    <GraphiQL fetcher={authorizedFetcher()} defaultQuery={DEFAULT_QUERY} isHeadersEditorEnabled shouldPersistHeaders />
  </StrictMode>,
);
