import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/config';
import { buildGatewaySchema } from './graphql/build-schema';
import { BearerAuthenticator } from './http/authenticator';
import { startGatewayServer, type RunningGatewayServer } from './http/gateway-server';
import { createJwtVerifier } from './http/jwt-verifier';
import { createSimulatorFilesProxy } from './http/simulator-files-proxy';
import { loadWebAssets } from './http/web-assets';
import { createWebPages, type WebPagesHandler } from './http/web-pages';
import { CallbackTokens } from './live/callback-tokens';
import { createTaskEvents } from './live/task-events';
import { instrumentUpstream } from './observability/instrumented-upstream';
import { GatewayMetrics } from './observability/metrics';
import { countRefusals } from './observability/submission-refusals';
import { TaskObserver } from './observability/task-observer';
import { traceTaskRepository } from './observability/traced-task-repository';
import { Tracing } from './observability/tracing';
import { TaskPoller } from './live/task-poller';
import { createSparkDanceWebhookHandler, WEBHOOK_PATH_PREFIX } from './http/spark-dance-webhook';
import { TaskUpdatesService } from './services/task-updates-service';
import { UpstreamCallbackService } from './services/upstream-callback-service';
import { GenerationService } from './services/generation-service';
import { createSubmitRateLimiter } from './services/submit-rate-limiter';
import { SubmissionLimits } from './services/submission-limits';
import { TaskQueryService } from './services/task-query-service';
import { TaskHistoryService } from './services/task-history-service';
import { UnreconciledCreatesService } from './services/unreconciled-creates-service';
import { UsageReportService } from './services/usage-report-service';
import { TaskOwnership } from './live/task-ownership';
import { openStore, type GatewayStore } from './store/open-store';
import { HttpUpstreamClient } from './upstream/http-upstream-client';

/** How often SUBMITTING tasks past the create window are marked OUTCOME_UNKNOWN. */
const CREATE_SWEEP_INTERVAL_MS = 5_000;

/** The upstream to talk to: the real API, or the embedded simulator that `main.ts` started. */
export interface UpstreamTarget {
  baseUrl: string;
  apiKey: string;
  /** The embedded simulator's `/files` URL: served at `/simulator-files/` so file URLs survive restarts. */
  simulatorFilesUrl?: string;
}

/** What tests may hand the gateway besides its configuration. */
export interface GatewayOptions {
  /** Receives every span as it ends (an InMemorySpanExporter); turns tracing on. */
  spanExporter?: SpanExporter;
}

/** A running gateway: every resource it owns, and one `stop()` that releases them in order. */
export interface RunningGateway {
  url: string;
  port: number;
  server: RunningGatewayServer;
  store: GatewayStore;
  poller: TaskPoller;
  stop(): Promise<void>;
}

/** GraphiQL (with introspection) and the demo (DEMO_PAGE), from the Vite build in dist/web. */
function webPagesFor(config: GatewayConfig, logger: Logger): WebPagesHandler | undefined {
  const on = { graphiql: config.graphql.introspection, demo: config.demoPage };
  if (!on.graphiql && !on.demo) return undefined;
  const assets = loadWebAssets();
  if (!assets) logger.warn('web pages are not built (npm run build:web): GraphiQL and /demo answer 503');
  return createWebPages({ ...on, assets });
}

/**
 * Composition root (without the simulator, which only `main.ts` and tests may start):
 * store -> upstream client -> services -> poller -> schema -> HTTP/WebSocket server.
 */
export async function startGateway(
  config: GatewayConfig,
  upstreamTarget: UpstreamTarget,
  logger: Logger,
  options: GatewayOptions = {},
): Promise<RunningGateway> {
  const authenticator = new BearerAuthenticator(
    config.apiKeys,
    createJwtVerifier(config.jwt, logger.child({ component: 'auth' })),
  );
  if (authenticator.open) {
    logger.warn(
      'neither GATEWAY_API_KEYS nor AUTH_JWT_SECRET/AUTH_JWKS_URL is set: every request acts as client "dev" ' +
        '(refused in production)',
    );
  }
  const onSourceError = (error: unknown): void => logger.warn({ err: error }, 'a metrics source failed');
  const metrics = new GatewayMetrics({ onSourceError });
  const { otlpEndpoint, serviceName } = config.observability;
  const tracing = new Tracing({ endpoint: otlpEndpoint, serviceName, exporter: options.spanExporter });
  const taskObserver = new TaskObserver({ metrics, logger });
  // The system of record (SQL) with its caches and change feed; replicas share it on PostgreSQL.
  const store = await openStore(config.storeUrl, {
    logger,
    cacheUrl: config.cacheUrl,
    leaseMs: config.poll.leaseMs,
    onTaskWrite: (before, after) => taskObserver.written(before, after),
  }).catch(async (error: unknown) => {
    await tracing.shutdown();
    throw error;
  });
  // Store queries made during an operation or a poll read get spans of their own.
  const tasks = traceTaskRepository(store.tasks, tracing.withSpan);
  const upstream = new HttpUpstreamClient({
    baseUrl: upstreamTarget.baseUrl,
    apiKey: upstreamTarget.apiKey,
    createPath: config.upstream.createPath,
    statusPath: config.upstream.statusPath,
    timeoutMs: config.upstream.timeoutMs,
    logger,
  });
  // Creates a stopped process (or replica) left in flight may have been billed: OUTCOME_UNKNOWN
  // once older than a create can take, until a callback adopts them.
  const unreconciledCreates = new UnreconciledCreatesService({ tasks: store.tasks, logger });
  const createWindowMs = config.upstream.timeoutMs + 5_000;
  await unreconciledCreates.recoverInterrupted(createWindowMs).catch(async (error: unknown) => {
    await store.close();
    await tracing.shutdown();
    throw error;
  });
  const stopCreateSweep = unreconciledCreates.sweep(createWindowMs, CREATE_SWEEP_INTERVAL_MS);
  const events = createTaskEvents(undefined, (error) => logger.error({ err: error }, 'task event listener failed'));
  // Every stored change, from whichever replica wrote it, reaches this replica's subscribers.
  const unsubscribeChanges = store.changes.subscribe((task) => events.publish(task));
  const callbacksOn = config.callbacks.publicBaseUrl !== undefined;
  const poller = new TaskPoller({
    tasks,
    upstream: instrumentUpstream(upstream, { metrics, tracing, poller: true }),
    logger: logger.child({ component: 'poller' }),
    minIntervalMs: config.poll.minIntervalMs,
    maxIntervalMs: config.poll.maxIntervalMs,
    flexMaxIntervalMs: config.poll.flexMaxIntervalMs,
    callbacks: callbacksOn ? { safetyIntervalMs: config.poll.callbackSafetyIntervalMs } : undefined,
    notFoundConfirmMs: config.poll.notFoundConfirmMs,
    concurrency: config.poll.concurrency,
  });
  // This replica polls the tasks it holds a lease for, and takes over those of a replica that died.
  const ownership = new TaskOwnership({
    leases: store.leases,
    poller,
    owner: store.replicaId,
    leaseMs: store.leaseMs,
    logger: logger.child({ component: 'poll-leases' }),
  });
  // A callback may arrive at any replica: the one that polls the task reads it.
  const unsubscribeRefresh = store.changes.onRefreshRequest((taskId) => {
    if (poller.isWatching(taskId)) poller.refreshNow(taskId);
  });
  const refreshNow = (taskId: string): void => {
    if (poller.isWatching(taskId) || store.engine === 'sqlite') poller.refreshNow(taskId);
    else
      void store.changes
        .requestRefresh(taskId)
        .catch((error: unknown) => logger.warn({ err: error, taskId }, 'refresh request failed'));
  };
  const tokens = new CallbackTokens(config.callbacks.secret);
  if (callbacksOn && !config.callbacks.secret) {
    logger.warn(
      'CALLBACK_SECRET is not set: callback URLs issued before a restart will not verify after it (the safety poll ' +
        'still finishes those tasks)',
    );
  }
  const limits = new SubmissionLimits({
    slots: store.slots,
    caps: { perClient: config.limits.maxActiveTasksPerClient, upstream: config.limits.maxUpstreamActiveTasks },
    // A reservation outlives the longest create (its request timeout) with room to store the task.
    reservationHoldMs: 2 * config.upstream.timeoutMs + 10_000,
    submitsPerMinute: config.limits.submitsPerMinute,
    nextCheckInMs: (taskId) => poller.nextReadInMs(taskId),
    rateLimiter: await createSubmitRateLimiter(store, config.limits.submitsPerMinute).catch(async (error: unknown) => {
      await stopCreateSweep();
      await store.close();
      await tracing.shutdown();
      throw error;
    }),
  });
  const generation = new GenerationService({
    tasks,
    upstream: instrumentUpstream(upstream, { metrics, tracing }),
    idempotency: store.idempotency,
    idempotencyTtlMs: config.idempotencyTtlSeconds * 1000,
    maxPromptChars: config.maxPromptChars,
    createWindowMs,
    admit: (clientId, taskId) => limits.admit(clientId, taskId),
    watch: (id) => poller.watch(id),
    callbackUrlFor: callbacksOn
      ? (taskId) => `${config.callbacks.publicBaseUrl}${WEBHOOK_PATH_PREFIX}${tokens.tokenFor(taskId)}`
      : undefined,
    logger,
  });
  const taskQueries = new TaskQueryService(tasks);
  const liveUpdates = new TaskUpdatesService(taskQueries, events);
  const taskHistory = new TaskHistoryService({ history: store.history });
  const usageReports = new UsageReportService({
    usage: store.usage,
    cache: store.caches.usageReports,
    maxBuckets: config.usage.maxReportBuckets,
  });
  const services = {
    generation: countRefusals(generation, metrics),
    taskQueries,
    taskHistory,
    usageReports,
    unreconciledCreates,
  };
  const schema = buildGatewaySchema(services, events.pubSub);
  // The unfinished tasks of the whole gateway by status, counted at scrape time from the store.
  metrics.observe({ tasksByStatus: () => store.tasks.countUnfinishedByStatus() });
  const callbacks = callbacksOn
    ? new UpstreamCallbackService({
        tokens,
        tasks: store.tasks,
        upstream,
        refreshNow,
        // An adopted create (stored here, so leased here): the poller follows it; subscribers
        // hear of it through the change feed.
        onAdopted: (task) => poller.watch(task.id),
        logger: logger.child({ component: 'callbacks' }),
      })
    : undefined;
  const webhook = callbacks && createSparkDanceWebhookHandler(callbacks, logger.child({ component: 'webhook' }));

  let server: RunningGatewayServer | undefined;
  try {
    server = await startGatewayServer(
      {
        schema,
        authenticator,
        pingStore: () => store.ping(),
        logger,
        production: config.production,
        maxBodyBytes: config.maxBodyBytes,
        liveUpdates,
        websocket: config.websocket,
        webhook,
        graphql: config.graphql,
        http: config.http,
        corsOrigins: config.cors.origins,
        metrics,
        metricsToken: config.observability.metricsToken,
        tracing,
        webPages: webPagesFor(config, logger),
        simulatorFiles: upstreamTarget.simulatorFilesUrl
          ? createSimulatorFilesProxy(upstreamTarget.simulatorFilesUrl)
          : undefined,
      },
      { port: config.port, host: config.host },
    );
    await ownership.start();
  } catch (error) {
    await server?.stop();
    await stopCreateSweep();
    await ownership.stop();
    await poller.stop();
    await store.close();
    await tracing.shutdown();
    throw error;
  }
  const running = server;
  logger.info({ url: running.url }, 'gateway listening');

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    await running.stop();
    // A create the upstream may already have billed must reach the store before it closes.
    await generation.drain(config.upstream.timeoutMs + 1_000);
    await callbacks?.drain();
    await stopCreateSweep();
    // Leases given back after the last read: another replica takes the tasks over at once.
    await poller.stop();
    await ownership.stop();
    unsubscribeRefresh();
    unsubscribeChanges();
    await store.close();
    await tracing.shutdown();
    logger.info('gateway stopped');
  };
  return { url: running.url, port: running.port, server: running, store, poller, stop: () => (stopping ??= stop()) };
}
