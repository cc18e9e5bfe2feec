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
import type { GatewayConfig } from '../config/config';
import type { GatewayContext, Viewer } from '../graphql/context';
import { DocumentCache } from '../graphql/document-cache';
import { documentParseOptions, documentValidationRules, type DocumentLimits } from '../graphql/document-limits';
import { isLiveStateSubscription } from '../graphql/live-state';
import { SharedSubscriptions, type SerializedDelivery } from '../live/shared-subscriptions';
import type { TaskUpdatesService } from '../services/task-updates-service';
import type { Authenticator } from './authenticator';
import { callAt } from './call-at';
import { refuseServerOnlyMessages } from './client-message-reviver';
import { ClientSocketQuota } from './client-socket-quota';
import { createGraphQLHttpHandler, sendJson } from './graphql-http-handler';
import { formatHttpError, maskExecutionResult } from './error-masking';
import { handleHealthz, handleReadyz } from './health';
import { requestLoggingPlugin } from './request-logging-plugin';
import { LargeRequestGate } from './large-request-gate';
import { SIMULATOR_FILES_PREFIX } from './simulator-files-proxy';
import { closeIfSlowConsumer } from './slow-consumer';
import { WEBHOOK_PATH_PREFIX, redactWebhookPath } from './spark-dance-webhook';
import type { WebPagesHandler } from './web-pages';
import { WS_CLOSE } from './websocket-close';

/** What the HTTP/WebSocket front needs from the rest of the gateway. */
export interface GatewayServerOptions {
  schema: GraphQLSchema;
  authenticator: Authenticator;
  pingStore: () => Promise<void>;
  logger: Logger;
  production: boolean;
  maxBodyBytes: number;
  liveUpdates: TaskUpdatesService;
  websocket: GatewayConfig['websocket'];
  /** Serves `POST /webhooks/spark-dance/{token}` when callbacks are on. */
  webhook?: (request: IncomingMessage, response: ServerResponse, token: string) => Promise<void>;
  /** Document limits and introspection, enforced alike on HTTP and graphql-ws. */
  graphql: DocumentLimits & { introspection: boolean };
  /** Large-request admission and node:http's timeouts (besides `maxBodyBytes`). */
  http: GatewayConfig['http'];
  /** GraphiQL, the demo and their files, when on (see createWebPages). */
  webPages?: WebPagesHandler;
  /** Serves `GET /simulator-files/{name}` when the upstream is the embedded simulator. */
  simulatorFiles?: (request: IncomingMessage, response: ServerResponse, name: string) => Promise<void>;
}

/** A listening gateway front; `stop()` drains HTTP and closes every WebSocket. */
export interface RunningGatewayServer {
  url: string;
  port: number;
  httpServer: Server;
  /** Distinct subscription executions running now (identical subscriptions share one). */
  sharedSubscriptions(): number;
  /** Large HTTP requests being read or processed, and those waiting for a slot. */
  largeRequests(): { inFlight: number; waiting: number };
  stop(): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';

/** A refused large request may retry after this long: one upload and upstream create takes seconds. */
const LARGE_REQUEST_RETRY_AFTER_S = 10;


/**
 * One node:http server serving GraphQL over HTTP (Apollo Server) and over WebSocket
 * (graphql-ws, protocol `graphql-transport-ws`) on the same path and port, plus /healthz
 * and /readyz. Apollo's drain plugin and a ws-dispose plugin make shutdown graceful.
 */
export async function startGatewayServer(options: GatewayServerOptions, listen: { port: number; host: string }): Promise<RunningGatewayServer> {
  const { schema, authenticator, logger } = options;
  const { requestTimeoutMs, headersTimeoutMs } = options.http;
  const httpServer = createServer({
    requestTimeout: requestTimeoutMs,
    headersTimeout: headersTimeoutMs,
    // node:http enforces both timeouts only when it sweeps its connections (default every 30 s).
    connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(Math.min(requestTimeoutMs, headersTimeoutMs) / 4))),
  });
  // ws' default message limit is 100 MiB, even before authentication.
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH, maxPayload: options.websocket.maxMessageBytes });
  // The WebSocket path parses and validates on its own (Apollo's settings don't reach it):
  // the same document limits, introspection rule and suggestion hiding as on HTTP.
  const documentRules = documentValidationRules(options.graphql);
  const parseOptions = documentParseOptions(options.graphql);
  const deliveries = new WeakMap<GatewayContext, SerializedDelivery>();
  const frames = new NextFrameCache();
  const documents = new DocumentCache(
    schema,
    [...specifiedRules, ...(options.graphql.introspection ? [] : [NoSchemaIntrospectionCustomRule]), ...documentRules],
    { parseOptions, hideSuggestions: options.production },
  );
  const mask = (result: ExecutionResult, requestId?: string): ExecutionResult => (options.production ? maskExecutionResult(result, logger, requestId) : result);
  const shared = new SharedSubscriptions({
    replayLatest: isLiveStateSubscription,
    formatResult: (result) => mask(result),
    onError: (error) => logger.error({ err: error }, 'shared subscription failed'),
  });
  const { maxSubscriptionsPerSocket, maxBufferedBytes } = options.websocket;
  const socketQuota = new ClientSocketQuota(options.websocket.maxSocketsPerClient);
  const wsCleanup = useServer<Record<string, unknown>, { viewer: Viewer }>(
    {
      schema,
      connectionInitWaitTimeout: options.websocket.connectionInitTimeoutMs,
      // A client sending `next`/`error`/`connection_ack` gets 4400, not an internal error (4500).
      jsonMessageReviver: refuseServerOnlyMessages,
      // Queries, mutations and unshared results over WebSocket get the production masking too.
      // graphql-ws sends the result right after: a slow consumer is closed rather than buffered for.
      onNext: (ctx, _id, _payload, args, result) => {
        closeIfSlowConsumer(ctx.extra.socket, maxBufferedBytes);
        return mask(result, (args.contextValue as GatewayContext | undefined)?.requestId);
      },
      // Identical operation texts share one parsed and validated document.
      onSubscribe: (ctx, id, payload) => {
        // graphql-ws lists every operation in flight in ctx.subscriptions (this one included) and
        // removes it however it ends (complete from either side, error, socket close): a count
        // that cannot drift, unlike one kept by hand in onSubscribe/onComplete.
        if (Object.keys(ctx.subscriptions).length > maxSubscriptionsPerSocket) {
          return [
            new GraphQLError(`at most ${maxSubscriptionsPerSocket} operations at once on one socket: complete one first`, {
              extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
            }),
          ];
        }
        const prepared = documents.prepare(payload.query);
        if ('errors' in prepared) return prepared.errors;
        const contextValue: GatewayContext = { viewer: ctx.extra.viewer as Viewer, requestId: randomUUID(), liveUpdates: options.liveUpdates };
        const socket = ctx.extra.socket;
        // Shared results arrive serialized once; each subscriber only gets its frame built.
        deliveries.set(contextValue, (resultJson) => {
          // This path bypasses graphql-ws (and its awaited sends): bound the socket's buffer here.
          if (!closeIfSlowConsumer(socket, maxBufferedBytes)) socket.send(frames.next(id, resultJson), { binary: false });
        });
        return { schema, document: prepared.document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      onConnect: async (ctx) => {
        const identity = await authenticator.authenticate(ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization);
        if (!identity) return false; // graphql-ws closes with 4403 Forbidden
        const socket = ctx.extra.socket;
        // The socket may have closed while the token was verified: take no slot it would never give back.
        if (socket.readyState !== WebSocket.OPEN) return false;
        const release = socketQuota.acquire(identity.viewer.clientId);
        if (!release) {
          socket.close(WS_CLOSE.TOO_MANY_CONNECTIONS.code, WS_CLOSE.TOO_MANY_CONNECTIONS.reason);
          return false; // graphql-ws' own 4403 close is a no-op on a socket already closing
        }
        const { expiresAtMs } = identity;
        const cancelExpiry =
          expiresAtMs === undefined ? undefined : callAt(expiresAtMs, () => socket.close(WS_CLOSE.TOKEN_EXPIRED.code, WS_CLOSE.TOKEN_EXPIRED.reason));
        // However it closes (client, expiry, slow consumer, shutdown): free the slot, drop the timer.
        socket.once('close', () => {
          release();
          cancelExpiry?.();
        });
        ctx.extra.viewer = identity.viewer;
        return true;
      },
      // Identical subscriptions of one viewer share one execution (see SharedSubscriptions).
      // Results reach the socket through the direct delivery set in onSubscribe (bounded by
      // maxBufferedBytes); the iterator returned here only carries the subscription's lifecycle.
      // A subscriber without a delivery would get results pushed into its PushIterator, which
      // graphql-ws drains one awaited send at a time: a stalled socket then leaves them queued,
      // and the iterator ends the stream past DEFAULT_MAX_QUEUED (its maxQueued bound).
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
    introspection: options.graphql.introspection,
    // Not part of this API: Apollo's APQ errors carry no code and would surface as internal errors.
    persistedQueries: false,
    validationRules: documentRules,
    parseOptions,
    includeStacktraceInErrorResponses: !options.production,
    hideSchemaDetailsFromClientErrors: options.production,
    formatError: (formatted) => formatHttpError(formatted, options.production),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      requestLoggingPlugin(logger),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
    ],
  });
  await apollo.start();

  const buildContext = async (request: IncomingMessage, requestId: string): Promise<GatewayContext | undefined> => {
    const identity = await authenticator.authenticate(request.headers.authorization);
    return identity ? { viewer: identity.viewer, requestId, liveUpdates: options.liveUpdates } : undefined;
  };
  const largeRequests = new LargeRequestGate({
    thresholdBytes: options.http.largeRequestBytes,
    maxInFlight: options.http.maxLargeRequestsInFlight,
    // Half the request timeout: node:http counts the wait in it, and the body still has to arrive.
    maxWaitMs: Math.floor(requestTimeoutMs / 2),
    retryAfterSeconds: LARGE_REQUEST_RETRY_AFTER_S,
  });
  const graphqlHandler = createGraphQLHttpHandler(apollo, buildContext, { maxBodyBytes: options.maxBodyBytes, largeRequests });

  httpServer.on('request', (request, response) => {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const search = queryAt === -1 ? '' : url.slice(queryAt);
    const route = async (): Promise<void> => {
      if (options.webPages?.(request, response, path)) return;
      if (path === GRAPHQL_PATH) return graphqlHandler(request, response, search);
      if (path === '/healthz' && request.method === 'GET') return handleHealthz(response);
      if (path === '/readyz' && request.method === 'GET') return handleReadyz(response, options.pingStore);
      if (options.webhook && path.startsWith(WEBHOOK_PATH_PREFIX)) return options.webhook(request, response, path.slice(WEBHOOK_PATH_PREFIX.length));
      if (options.simulatorFiles && path.startsWith(SIMULATOR_FILES_PREFIX)) {
        return options.simulatorFiles(request, response, path.slice(SIMULATOR_FILES_PREFIX.length));
      }
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
    largeRequests: () => ({ inFlight: largeRequests.inFlight, waiting: largeRequests.waiting }),
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
