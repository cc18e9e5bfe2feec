import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, NoSchemaIntrospectionCustomRule, print, specifiedRules, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import type { GatewayContext, Viewer } from '../graphql/context';
import { DocumentCache } from '../graphql/document-cache';
import { isLiveStateSubscription } from '../graphql/live-state';
import { SharedSubscriptions, type SerializedDelivery } from '../live/shared-subscriptions';
import type { TaskUpdatesService } from '../services/task-updates-service';
import type { ApiKeyAuthenticator } from './authenticator';
import { createGraphQLHttpHandler, sendJson } from './graphql-http-handler';
import { formatHttpError, maskExecutionResult } from './error-masking';
import { handleHealthz, handleReadyz } from './health';
import { WEBHOOK_PATH_PREFIX, redactWebhookPath } from './spark-dance-webhook';

/** What the HTTP/WebSocket front needs from the rest of the gateway. */
export interface GatewayServerOptions {
  schema: GraphQLSchema;
  authenticator: ApiKeyAuthenticator;
  pingStore: () => Promise<void>;
  logger: Logger;
  production: boolean;
  maxBodyBytes: number;
  liveUpdates: TaskUpdatesService;
  websocket: { connectionInitTimeoutMs: number; keepAliveMs: number; maxMessageBytes: number };
  /** Serves `POST /webhooks/spark-dance/{token}` when callbacks are on. */
  webhook?: (request: IncomingMessage, response: ServerResponse, token: string) => Promise<void>;
}

/** A listening gateway front; `stop()` drains HTTP and closes every WebSocket. */
export interface RunningGatewayServer {
  url: string;
  port: number;
  httpServer: Server;
  /** Distinct subscription executions running now (identical subscriptions share one). */
  sharedSubscriptions(): number;
  stop(): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';

const UNAUTHENTICATED_MESSAGE = 'missing or invalid credentials: send Authorization: Bearer <key>';

/**
 * One node:http server serving GraphQL over HTTP (Apollo Server) and over WebSocket
 * (graphql-ws, protocol `graphql-transport-ws`) on the same path and port, plus /healthz
 * and /readyz. Apollo's drain plugin and a ws-dispose plugin make shutdown graceful.
 */
export async function startGatewayServer(options: GatewayServerOptions, listen: { port: number; host: string }): Promise<RunningGatewayServer> {
  const { schema, authenticator, logger } = options;
  const httpServer = createServer();
  // ws' default message limit is 100 MiB, even before authentication.
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH, maxPayload: options.websocket.maxMessageBytes });
  // The WebSocket path validates on its own (Apollo's settings don't reach it): same rule on introspection.
  const deliveries = new WeakMap<GatewayContext, SerializedDelivery>();
  const frames = new NextFrameCache();
  const documents = new DocumentCache(schema, options.production ? [...specifiedRules, NoSchemaIntrospectionCustomRule] : specifiedRules);
  const mask = (result: ExecutionResult): ExecutionResult => (options.production ? maskExecutionResult(result, logger) : result);
  const shared = new SharedSubscriptions({
    replayLatest: isLiveStateSubscription,
    formatResult: mask,
    onError: (error) => logger.error({ err: error }, 'shared subscription failed'),
  });
  const wsCleanup = useServer<Record<string, unknown>, { viewer: Viewer }>(
    {
      schema,
      connectionInitWaitTimeout: options.websocket.connectionInitTimeoutMs,
      // Queries, mutations and unshared results over WebSocket get the production masking too.
      onNext: (_ctx, _id, _payload, _args, result) => mask(result),
      // Identical operation texts share one parsed and validated document.
      onSubscribe: (ctx, id, payload) => {
        const prepared = documents.prepare(payload.query);
        if ('errors' in prepared) return prepared.errors;
        const contextValue: GatewayContext = { viewer: ctx.extra.viewer as Viewer, requestId: randomUUID(), liveUpdates: options.liveUpdates };
        const socket = ctx.extra.socket;
        // Shared results arrive serialized once; each subscriber only gets its frame built.
        deliveries.set(contextValue, (resultJson) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(frames.next(id, resultJson), { binary: false });
        });
        return { schema, document: prepared.document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      onConnect: (ctx) => {
        const viewer = authenticator.authenticate(ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization);
        if (!viewer) return false; // graphql-ws closes with 4403 Forbidden
        ctx.extra.viewer = viewer;
        return true;
      },
      // Identical subscriptions of one viewer share one execution (see SharedSubscriptions).
      subscribe: (args) => {
        const { viewer } = args.contextValue as GatewayContext;
        // Cached documents are shared objects: their source text identifies the operation.
        const query = args.document.loc?.source.body ?? print(args.document);
        const key = JSON.stringify([viewer.clientId, viewer.admin, query, args.operationName ?? null, args.variableValues ?? null]);
        return shared.subscribe(key, args, deliveries.get(args.contextValue as GatewayContext));
      },
    },
    wsServer,
    options.websocket.keepAliveMs,
  );

  const apollo = new ApolloServer<GatewayContext>({
    schema,
    // main.ts owns shutdown (HTTP, poller, store, simulator in order); Apollo's own signal
    // handlers would race it.
    stopOnTerminationSignals: false,
    introspection: !options.production,
    includeStacktraceInErrorResponses: !options.production,
    hideSchemaDetailsFromClientErrors: options.production,
    formatError: (formatted, error) => formatHttpError(formatted, error, options.production, logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
    ],
  });
  await apollo.start();

  const buildContext = async (request: IncomingMessage): Promise<GatewayContext> => {
    const viewer = authenticator.authenticate(request.headers.authorization);
    if (!viewer) {
      throw new GraphQLError(UNAUTHENTICATED_MESSAGE, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    }
    const requestId = typeof request.headers['x-request-id'] === 'string' ? request.headers['x-request-id'].slice(0, 100) : randomUUID();
    return { viewer, requestId, liveUpdates: options.liveUpdates };
  };
  const graphqlHandler = createGraphQLHttpHandler(apollo, buildContext, { maxBodyBytes: options.maxBodyBytes });

  httpServer.on('request', (request, response) => {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const search = queryAt === -1 ? '' : url.slice(queryAt);
    const route = async (): Promise<void> => {
      if (path === GRAPHQL_PATH) return graphqlHandler(request, response, search);
      if (path === '/healthz' && request.method === 'GET') return handleHealthz(response);
      if (path === '/readyz' && request.method === 'GET') return handleReadyz(response, options.pingStore);
      if (options.webhook && path.startsWith(WEBHOOK_PATH_PREFIX)) return options.webhook(request, response, path.slice(WEBHOOK_PATH_PREFIX.length));
      sendJson(response, 404, { error: 'not found' });
    };
    route().catch((error: unknown) => {
      logger.error({ err: error, path: redactWebhookPath(path) }, 'request failed');
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(listen.port, listen.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = listen.host === '0.0.0.0' || listen.host === '::' ? 'localhost' : listen.host;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}${GRAPHQL_PATH}`,
    port,
    httpServer,
    sharedSubscriptions: () => shared.size,
    stop: () => (stopping ??= apollo.stop()),
  };
}

/**
 * `next` frames of the result being fanned out, encoded once per operation id: subscribers of
 * one execution get the same JSON string, and most clients number operations alike, so ten
 * thousand sends mostly reuse a handful of buffers instead of encoding ten thousand strings.
 */
class NextFrameCache {
  private json: string | undefined;
  private readonly byId = new Map<string, Buffer>();

  next(id: string, resultJson: string): Buffer {
    if (this.json !== resultJson || this.byId.size > 1000) {
      this.json = resultJson;
      this.byId.clear();
    }
    let frame = this.byId.get(id);
    if (!frame) {
      frame = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":${resultJson}}`, 'utf8');
      this.byId.set(id, frame);
    }
    return frame;
  }
}
