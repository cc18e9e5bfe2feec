import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { SpanKind } from '@opentelemetry/api';
import {
  execute,
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  print,
  specifiedRules,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import type { Context, OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import type { GatewayConfig } from '../config/config';
import type { GatewayContext, Viewer } from '../graphql/context';
import { DocumentCache } from '../graphql/document-cache';
import { documentParseOptions, documentValidationRules, type DocumentLimits } from '../graphql/document-limits';
import { isLiveStateSubscription } from '../graphql/live-state';
import { SharedSubscriptions, type SerializedDelivery } from '../live/shared-subscriptions';
import type { GatewayMetrics } from '../observability/metrics';
import { runInRequestScope } from '../observability/request-scope';
import type { Tracing } from '../observability/tracing';
import type { TaskUpdatesService } from '../services/task-updates-service';
import type { Authenticator } from './authenticator';
import { callAt } from './call-at';
import { refuseServerOnlyMessages } from './client-message-reviver';
import { ClientSocketQuota } from './client-socket-quota';
import { maskExecutionResult } from './error-masking';
import { closeIfSlowConsumer } from './slow-consumer';
import { WS_CLOSE } from './websocket-close';

/** What GraphQL over WebSocket needs from the rest of the gateway. */
export interface GraphQLWebSocketOptions {
  schema: GraphQLSchema;
  authenticator: Authenticator;
  logger: Logger;
  production: boolean;
  liveUpdates: TaskUpdatesService;
  websocket: GatewayConfig['websocket'];
  /** Document limits and introspection, the same as Apollo enforces on HTTP. */
  graphql: DocumentLimits & { introspection: boolean };
  metrics: GatewayMetrics;
  tracing: Tracing;
  /** Whether an upgrade may proceed (browsers' `Origin`, see CorsPolicy); refused ones get 403. */
  allowsUpgrade: (request: IncomingMessage) => boolean;
}

/** graphql-ws serving on an HTTP server's upgrades; `dispose()` closes every socket. */
export interface GraphQLWebSocketServer {
  /** Distinct subscription executions running now (identical subscriptions share one). */
  sharedSubscriptions(): number;
  dispose(): Promise<void>;
}

/**
 * GraphQL over WebSocket (graphql-ws, protocol `graphql-transport-ws`) on `path` of
 * `httpServer`: authentication in `connection_init`, a socket quota per client, token expiry,
 * an operation cap per socket, slow consumers closed, and identical subscriptions shared.
 */
export function attachGraphQLWebSocket(
  httpServer: Server,
  path: string,
  options: GraphQLWebSocketOptions,
): GraphQLWebSocketServer {
  const { schema, authenticator, logger, metrics } = options;
  // ws' default message limit is 100 MiB, even before authentication.
  // noServer: the upgrade is handed over below; attached with `server`, ws would also re-emit the
  // HTTP server's own errors (a port in use) as WebSocket server errors, which graphql-ws prints.
  const wsServer = new WebSocketServer({
    noServer: true,
    path,
    maxPayload: options.websocket.maxMessageBytes,
    verifyClient: ({ req }, accept) =>
      options.allowsUpgrade(req) ? accept(true) : accept(false, 403, 'origin not allowed'),
  });
  // The WebSocket path parses and validates on its own (Apollo's settings don't reach it):
  // the same document limits, introspection rule and suggestion hiding as on HTTP.
  const documents = new DocumentCache(
    schema,
    [
      ...specifiedRules,
      ...(options.graphql.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
      ...documentValidationRules(options.graphql),
    ],
    { parseOptions: documentParseOptions(options.graphql), hideSuggestions: options.production },
  );
  const deliveries = new WeakMap<GatewayContext, SerializedDelivery>();
  const frames = new NextFrameCache();
  const mask = (result: ExecutionResult, requestId?: string): ExecutionResult =>
    options.production ? maskExecutionResult(result, logger, requestId) : result;
  const shared = new SharedSubscriptions({
    replayLatest: isLiveStateSubscription,
    formatResult: (result) => mask(result),
    onError: (error) => logger.error({ err: error }, 'shared subscription failed'),
  });
  const { maxSubscriptionsPerSocket, maxBufferedBytes } = options.websocket;
  const socketQuota = new ClientSocketQuota(options.websocket.maxSocketsPerClient);
  // Authenticated connections, for the gauges of sockets and operations in flight.
  const connections = new Set<Pick<Context, 'subscriptions'>>();
  metrics.observe({
    webSockets: () => ({
      sockets: connections.size,
      operations: sum([...connections].map((ctx) => Object.keys(ctx.subscriptions).length)),
    }),
    sharedSubscriptions: () => shared.size,
  });
  const observed = (args: ExecutionArgs, run: () => OperationResult): OperationResult =>
    observeOperation(args, run, options);
  const cleanup = useServer<Record<string, unknown>, { viewer: Viewer }>(
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
            new GraphQLError(
              `at most ${maxSubscriptionsPerSocket} operations at once on one socket: complete one first`,
              {
                extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
              },
            ),
          ];
        }
        const prepared = documents.prepare(payload.query);
        if ('errors' in prepared) {
          metrics.recordOperation({
            transport: 'ws',
            type: undefined,
            name: undefined,
            outcome: 'invalid',
            seconds: 0,
          });
          return prepared.errors;
        }
        const contextValue: GatewayContext = {
          viewer: ctx.extra.viewer as Viewer,
          requestId: randomUUID(),
          liveUpdates: options.liveUpdates,
        };
        const socket = ctx.extra.socket;
        // Shared results arrive serialized once; each subscriber only gets its frame built.
        deliveries.set(contextValue, (resultJson) => {
          // This path bypasses graphql-ws (and its awaited sends): bound the socket's buffer here.
          if (!closeIfSlowConsumer(socket, maxBufferedBytes))
            socket.send(frames.next(id, resultJson), { binary: false });
        });
        return {
          schema,
          document: prepared.document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      onConnect: async (ctx) => {
        const identity = await authenticator.authenticate(
          ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization,
        );
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
          expiresAtMs === undefined
            ? undefined
            : callAt(expiresAtMs, () => socket.close(WS_CLOSE.TOKEN_EXPIRED.code, WS_CLOSE.TOKEN_EXPIRED.reason));
        // However it closes (client, expiry, slow consumer, shutdown): free the slot, drop the timer.
        connections.add(ctx);
        socket.once('close', () => {
          connections.delete(ctx);
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
      subscribe: (args) =>
        observed(args, () => {
          const { viewer } = args.contextValue as GatewayContext;
          // Cached documents are shared objects: their source text identifies the operation.
          const query = args.document.loc?.source.body ?? print(args.document);
          const key = JSON.stringify([
            viewer.clientId,
            viewer.admin,
            query,
            args.operationName ?? null,
            args.variableValues ?? null,
          ]);
          return shared.subscribe(key, args, deliveries.get(args.contextValue as GatewayContext));
        }),
      // Queries and mutations: graphql's own execute, observed like the HTTP side.
      execute: (args) => observed(args, () => execute(args)),
    },
    wsServer,
    options.websocket.keepAliveMs,
  );
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void =>
    wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit('connection', ws, request));
  httpServer.on('upgrade', onUpgrade);
  return {
    sharedSubscriptions: () => shared.size,
    dispose: async () => {
      httpServer.off('upgrade', onUpgrade);
      await cleanup.dispose();
    },
  };
}

/**
 * Runs one graphql-ws operation in its request scope (its log lines carry its id) and in a span
 * named after it, and records its latency and outcome. A subscription counts until it is set
 * up; its later events are not operations of their own.
 */
async function observeOperation(
  args: ExecutionArgs,
  run: () => OperationResult,
  { metrics, tracing }: Pick<GraphQLWebSocketOptions, 'metrics' | 'tracing'>,
): Promise<Awaited<OperationResult>> {
  const { requestId, viewer } = args.contextValue as GatewayContext;
  const operation = getOperationAST(args.document, args.operationName);
  const name = operation ? (operation.name?.value ?? null) : undefined;
  const type = operation?.operation;
  const started = performance.now();
  const record = (outcome: 'ok' | 'error'): void =>
    metrics.recordOperation({ transport: 'ws', type, name, outcome, seconds: (performance.now() - started) / 1000 });
  const attributes = { 'graphql.operation.type': type ?? 'unknown', 'graphql.operation.name': name ?? '' };
  return runInRequestScope({ requestId, clientId: viewer.clientId }, () =>
    tracing.inSpan(
      `${type ?? 'operation'} ${name ?? 'anonymous'}`,
      async () => {
        try {
          const result = await run();
          record(isFailedResult(result) ? 'error' : 'ok');
          return result;
        } catch (error) {
          record('error');
          throw error;
        }
      },
      { kind: SpanKind.SERVER, attributes },
    ),
  );
}

/** An execution result carrying errors (a subscription's stream is not one). */
function isFailedResult(result: unknown): boolean {
  return (
    typeof result === 'object' &&
    result !== null &&
    'errors' in result &&
    Array.isArray(result.errors) &&
    result.errors.length > 0
  );
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
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
