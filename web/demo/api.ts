/**
 * The demo's GraphQL client: typed documents from web/demo/gql over HTTP (fetch) and over
 * graphql-ws, both on the gateway's `/graphql`, with an optional bearer key.
 */
import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from './gql/graphql';

/** The request reached the gateway but GraphQL answered errors (or the HTTP status was not 200). */
export class GraphQLRequestError extends Error {
  override readonly name = 'GraphQLRequestError';
}

interface GraphQLAnswer<R> {
  data?: R | null;
  errors?: ReadonlyArray<{ message: string }>;
}

function resultOf<R>(answer: GraphQLAnswer<R>, status = 200): R {
  if (answer.errors?.length || !answer.data) {
    const messages = answer.errors?.map((e) => e.message).join('; ');
    throw new GraphQLRequestError(messages || `the gateway answered HTTP ${status} without data`);
  }
  return answer.data;
}

/** Calls to one gateway as one client (bearer key, or none when the gateway is open). */
export class GatewayApi {
  private readonly httpUrl: string;
  private ws: Client | undefined;

  constructor(
    origin: string,
    private readonly key: string,
  ) {
    this.httpUrl = `${origin}/graphql`;
  }

  /** A query or mutation over HTTP. */
  async request<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.key) headers.authorization = `Bearer ${this.key}`;
    const response = await fetch(this.httpUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: document.toString(), variables }),
    });
    const answer = (await response.json()) as GraphQLAnswer<R>;
    return resultOf(answer, response.status);
  }

  /** A subscription over graphql-ws; returns the function that ends it. */
  subscribe<R, V extends Record<string, unknown>>(
    document: TypedDocumentString<R, V>,
    variables: V,
    sink: { next: (data: R) => void; error: (error: Error) => void; complete: () => void },
  ): () => void {
    this.ws ??= createClient({
      url: this.httpUrl.replace(/^http/, 'ws'),
      connectionParams: this.key ? { authorization: `Bearer ${this.key}` } : {},
      lazy: true,
    });
    return this.ws.subscribe<R>(
      { query: document.toString(), variables },
      {
        next: (answer) => {
          try {
            sink.next(resultOf(answer as GraphQLAnswer<R>));
          } catch (error) {
            sink.error(error instanceof Error ? error : new GraphQLRequestError(String(error)));
          }
        },
        error: (error) =>
          sink.error(error instanceof Error ? error : new GraphQLRequestError(describeSocketError(error))),
        complete: sink.complete,
      },
    );
  }

  /** Closes the WebSocket, if one was opened. */
  close(): void {
    void this.ws?.dispose();
    this.ws = undefined;
  }
}

/** graphql-ws reports a close event or a list of GraphQL errors. */
function describeSocketError(error: unknown): string {
  if (Array.isArray(error)) return error.map((e: { message?: unknown }) => String(e.message)).join('; ');
  if (error instanceof CloseEvent) return `connection closed (${error.code}${error.reason ? `: ${error.reason}` : ''})`;
  return 'connection failed';
}
