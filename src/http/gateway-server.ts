import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config';
import type { GatewayContext } from '../graphql/context';
import { documentParseOptions, documentValidationRules, type DocumentLimits } from '../graphql/document-limits';
import { noSubscriptionsOverHttpRule } from '../graphql/no-subscriptions-over-http-rule';
import type { GatewayMetrics } from '../observability/metrics';
import { runInRequestScope, type RequestScope } from '../observability/request-scope';
import type { Tracing } from '../observability/tracing';
import type { TaskUpdatesService } from '../services/task-updates-service';
import { trackExchange } from './access-log';
import type { Authenticator } from './authenticator';
import { CorsPolicy } from './cors';
import { createGraphQLHttpHandler, sendJson } from './graphql-http-handler';
import { formatHttpError } from './error-masking';
import { handleHealthz, handleReadyz } from './health';
import { createMetricsHandler } from './metrics-endpoint';
import { operationMetricsPlugin } from './operation-metrics-plugin';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';
import { requestLoggingPlugin } from './request-logging-plugin';
import { LargeRequestGate } from './large-request-gate';
import { SIMULATOR_FILES_PREFIX } from './simulator-files-proxy';
import { findRoute, requestTarget, routeLabel, type Route, type RouteHandler } from './router';
import { WEBHOOK_PATH_PREFIX, redactWebhookPath } from './spark-dance-webhook';
import { attachGraphQLWebSocket, type GraphQLWebSocketServer } from './websocket-server';
import type { WebPagesHandler } from './web-pages';

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
  /** Browser origins allowed to call `/graphql` (CORS and WebSocket upgrades); empty = no CORS. */
  corsOrigins: readonly string[];
  /** Served at `/metrics`; fed by the server's own requests and operations too. */
  metrics: GatewayMetrics;
  /** Bearer token `/metrics` asks for, if any. */
  metricsToken: string | undefined;
  tracing: Tracing;
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
 * (graphql-ws, see {@link attachGraphQLWebSocket}) on the same path and port, plus /healthz,
 * /readyz and the webhook, served through one routing table. Apollo's drain plugin and a
 * ws-dispose plugin make shutdown graceful.
 */
export async function startGatewayServer(
  options: GatewayServerOptions,
  listen: { port: number; host: string },
): Promise<RunningGatewayServer> {
  const { authenticator, logger, metrics, tracing } = options;
  const { requestTimeoutMs, headersTimeoutMs } = options.http;
  const httpServer = createServer({
    requestTimeout: requestTimeoutMs,
    headersTimeout: headersTimeoutMs,
    // node:http enforces both timeouts only when it sweeps its connections (default every 30 s).
    connectionsCheckingInterval: Math.min(
      30_000,
      Math.max(100, Math.floor(Math.min(requestTimeoutMs, headersTimeoutMs) / 4)),
    ),
  });
  const cors = new CorsPolicy(options.corsOrigins);
  const allowsUpgrade = (request: IncomingMessage): boolean => cors.allowsUpgrade(request);
  const webSocket = attachGraphQLWebSocket(httpServer, GRAPHQL_PATH, { ...options, allowsUpgrade });

  const apollo = await startApollo(options, httpServer, webSocket);

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
  const graphqlHandler = createGraphQLHttpHandler(apollo, buildContext, {
    maxBodyBytes: options.maxBodyBytes,
    largeRequests,
  });

  // A span per GraphQL request, under the caller's W3C traceparent if it sent one.
  const graphqlInSpan = (request: IncomingMessage, run: () => Promise<void>): Promise<void> =>
    tracing.inSpan('graphql', run, {
      kind: SpanKind.SERVER,
      parent: tracing.extract(request.headers),
      attributes: { 'http.request.method': request.method },
    });
  const serveGraphQL: RouteHandler = (request, response, { search, scope }) =>
    graphqlInSpan(request, () => graphqlHandler(request, response, search, scope));
  // The routing table: the first matching line serves the request (see findRoute).
  const routes: Route[] = [
    { path: GRAPHQL_PATH, cors: true, handle: serveGraphQL },
    { path: '/healthz', methods: ['GET'], handle: (_request, response) => handleHealthz(response) },
    { path: '/readyz', methods: ['GET'], handle: (_request, response) => handleReadyz(response, options.pingStore) },
    { path: '/metrics', methods: ['GET'], handle: createMetricsHandler(metrics, options.metricsToken) },
  ];
  const { webhook } = options;
  if (webhook) {
    const serveWebhook: RouteHandler = (request, response, { path }) =>
      webhook(request, response, path.slice(WEBHOOK_PATH_PREFIX.length));
    routes.push({ path: WEBHOOK_PATH_PREFIX, prefix: true, handle: serveWebhook });
  }
  const { simulatorFiles } = options;
  if (simulatorFiles) {
    const serveFile: RouteHandler = (request, response, { path }) =>
      simulatorFiles(request, response, path.slice(SIMULATOR_FILES_PREFIX.length));
    // Every method: the proxy answers 405 for all but GET and HEAD itself.
    routes.push({ path: SIMULATOR_FILES_PREFIX, prefix: true, handle: serveFile });
  }
  httpServer.on('request', (request, response) => {
    const target = requestTarget(request.url);
    const scope: RequestScope = { requestId: requestIdOf(request) };
    // Every answer names its request (refusals, health checks and 404s too), so any report can be found in the logs.
    response.setHeader(REQUEST_ID_HEADER, scope.requestId);
    const found = findRoute(routes, request, target.path);
    const loggedPath = redactWebhookPath(target.path);
    trackExchange(request, response, { scope, loggedPath, route: routeLabel(found) }, logger, metrics);
    const serve = async (): Promise<void> => {
      if (options.webPages?.(request, response, target.path)) return;
      if (found?.cors && cors.handle(request, response)) return;
      if (found) return found.handle(request, response, { ...target, scope });
      sendJson(response, 404, { error: 'not found' });
    };
    runInRequestScope(scope, serve).catch((error: unknown) => {
      logger.error({ err: error, path: loggedPath }, 'request failed');
      if (!response.headersSent)
        sendJson(response, 500, {
          errors: [{ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
        });
      else response.destroy();
    });
  });

  await listenOn(httpServer, listen);
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = listen.host === '0.0.0.0' || listen.host === '::' ? 'localhost' : listen.host;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}${GRAPHQL_PATH}`,
    port,
    httpServer,
    sharedSubscriptions: () => webSocket.sharedSubscriptions(),
    largeRequests: () => ({ inFlight: largeRequests.inFlight, waiting: largeRequests.waiting }),
    stop: () => (stopping ??= apollo.stop()),
  };
}

/** Apollo Server for GraphQL over HTTP, with the plugins that drain both transports on stop. */
async function startApollo(
  options: GatewayServerOptions,
  httpServer: Server,
  webSocket: GraphQLWebSocketServer,
): Promise<ApolloServer<GatewayContext>> {
  const apollo = new ApolloServer<GatewayContext>({
    schema: options.schema,
    // main.ts owns shutdown (HTTP, poller, store, simulator in order); Apollo's own signal
    // handlers would race it.
    stopOnTerminationSignals: false,
    introspection: options.graphql.introspection,
    // Not part of this API: Apollo's APQ errors carry no code and would surface as internal errors.
    persistedQueries: false,
    validationRules: [...documentValidationRules(options.graphql), noSubscriptionsOverHttpRule],
    parseOptions: documentParseOptions(options.graphql),
    includeStacktraceInErrorResponses: !options.production,
    hideSchemaDetailsFromClientErrors: options.production,
    formatError: (formatted) => formatHttpError(formatted, options.production),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      requestLoggingPlugin(options.logger),
      operationMetricsPlugin(options.metrics),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await webSocket.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();
  return apollo;
}

function listenOn(httpServer: Server, listen: { port: number; host: string }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(listen.port, listen.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
}
