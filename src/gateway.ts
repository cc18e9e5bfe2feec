import type { Logger } from 'pino';
import type { GatewayConfig } from './config/config';
import { buildGatewaySchema } from './graphql/build-schema';
import { BearerAuthenticator } from './http/authenticator';
import { startGatewayServer, type RunningGatewayServer } from './http/gateway-server';
import { createJwtVerifier } from './http/jwt-verifier';
import { CallbackTokens } from './live/callback-tokens';
import { createTaskEvents } from './live/task-events';
import { TaskPoller } from './live/task-poller';
import { createSparkDanceWebhookHandler, WEBHOOK_PATH_PREFIX } from './http/spark-dance-webhook';
import { TaskUpdatesService } from './services/task-updates-service';
import { UpstreamCallbackService } from './services/upstream-callback-service';
import { ActiveTaskSlots } from './services/active-task-slots';
import { GenerationService } from './services/generation-service';
import { SubmissionLimits } from './services/submission-limits';
import { TaskQueryService } from './services/task-query-service';
import { TaskHistoryService } from './services/task-history-service';
import { UnreconciledCreatesService } from './services/unreconciled-creates-service';
import { UsageReportService } from './services/usage-report-service';
import { openIndexedStore, type IndexedGatewayStore } from './store/open-indexed-store';
import { HttpUpstreamClient } from './upstream/http-upstream-client';

/** The upstream to talk to: the real API, or the embedded simulator that `main.ts` started. */
export interface UpstreamTarget {
  baseUrl: string;
  apiKey: string;
}

/** A running gateway: every resource it owns, and one `stop()` that releases them in order. */
export interface RunningGateway {
  url: string;
  port: number;
  server: RunningGatewayServer;
  store: IndexedGatewayStore;
  poller: TaskPoller;
  stop(): Promise<void>;
}

/**
 * Composition root (without the simulator, which only `main.ts` and tests may start):
 * store -> upstream client -> services -> poller -> schema -> HTTP/WebSocket server.
 */
export async function startGateway(config: GatewayConfig, upstreamTarget: UpstreamTarget, logger: Logger): Promise<RunningGateway> {
  const authenticator = new BearerAuthenticator(config.apiKeys, createJwtVerifier(config.jwt, logger.child({ component: 'auth' })));
  if (authenticator.open) {
    logger.warn('neither GATEWAY_API_KEYS nor AUTH_JWT_SECRET/AUTH_JWKS_URL is set: every request acts as client "dev" (refused in production)');
  }
  // Tasks plus each client's history and the usage records, kept in step by every task write.
  const store = await openIndexedStore(config.storeUrl, { logger });
  const upstream = new HttpUpstreamClient({
    baseUrl: upstreamTarget.baseUrl,
    apiKey: upstreamTarget.apiKey,
    createPath: config.upstream.createPath,
    statusPath: config.upstream.statusPath,
    timeoutMs: config.upstream.timeoutMs,
    logger,
  });
  // Creates a stopped process left in flight may have been billed: OUTCOME_UNKNOWN until a callback adopts them.
  const unreconciledCreates = new UnreconciledCreatesService({ tasks: store.tasks, logger });
  // Unfinished tasks per client and in total, counted from the store before submissions are taken.
  const slots = new ActiveTaskSlots({ perClient: config.limits.maxActiveTasksPerClient, upstream: config.limits.maxUpstreamActiveTasks });
  await unreconciledCreates.recoverInterrupted().then(() => slots.load(store.tasks)).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const events = createTaskEvents(undefined, (error) => logger.error({ err: error }, 'task event listener failed'));
  const callbacksOn = config.callbacks.publicBaseUrl !== undefined;
  const poller = new TaskPoller({
    tasks: store.tasks,
    upstream,
    logger: logger.child({ component: 'poller' }),
    minIntervalMs: config.poll.minIntervalMs,
    maxIntervalMs: config.poll.maxIntervalMs,
    flexMaxIntervalMs: config.poll.flexMaxIntervalMs,
    callbacks: callbacksOn ? { safetyIntervalMs: config.poll.callbackSafetyIntervalMs } : undefined,
    notFoundConfirmMs: config.poll.notFoundConfirmMs,
    concurrency: config.poll.concurrency,
    onChange: (task) => {
      slots.observe(task);
      events.publish(task);
    },
    // A task dropped without a terminal change (gone from the store) must not hold its slot forever.
    onUnwatch: (taskId) => slots.forget(taskId),
  });
  const tokens = new CallbackTokens(config.callbacks.secret);
  if (callbacksOn && !config.callbacks.secret) {
    logger.warn('CALLBACK_SECRET is not set: callback URLs issued before a restart will not verify after it (the safety poll still finishes those tasks)');
  }
  const limits = new SubmissionLimits({
    slots,
    submitsPerMinute: config.limits.submitsPerMinute,
    nextCheckInMs: (taskId) => poller.nextReadInMs(taskId),
  });
  const generation = new GenerationService({
    tasks: store.tasks,
    upstream,
    idempotency: store.idempotency,
    idempotencyTtlMs: config.idempotencyTtlSeconds * 1000,
    maxPromptChars: config.maxPromptChars,
    admit: (clientId) => limits.admit(clientId),
    watch: (id) => poller.watch(id),
    onCreated: (task) => events.publish(task),
    callbackUrlFor: callbacksOn ? (taskId) => `${config.callbacks.publicBaseUrl}${WEBHOOK_PATH_PREFIX}${tokens.tokenFor(taskId)}` : undefined,
    logger,
  });
  const taskQueries = new TaskQueryService(store.tasks);
  const liveUpdates = new TaskUpdatesService(taskQueries, events);
  const taskHistory = new TaskHistoryService({ history: store.history, tasks: store.tasks });
  const usageReports = new UsageReportService({
    history: store.history,
    records: store.usageRecords,
    cells: store.usageCells,
    tasks: store.tasks,
    maxBuckets: config.usage.maxReportBuckets,
  });
  const services = { generation, taskQueries, taskHistory, usageReports, unreconciledCreates };
  const schema = buildGatewaySchema(services, events.pubSub);
  const callbacks = callbacksOn
    ? new UpstreamCallbackService({
        tokens,
        tasks: store.tasks,
        upstream,
        refreshNow: (id) => poller.refreshNow(id),
        // An adopted create: subscribers of its id hear of it, the poller follows it.
        onAdopted: (task) => {
          slots.observe(task);
          events.publish(task);
          poller.watch(task.id);
        },
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
      },
      { port: config.port, host: config.host },
    );
    // The slots were counted from the store's active tasks: resume exactly those, without listing again.
    await poller.start(slots.activeTaskIds());
  } catch (error) {
    await server?.stop();
    await poller.stop();
    await store.close();
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
    await poller.stop();
    await store.close();
    logger.info('gateway stopped');
  };
  return { url: running.url, port: running.port, server: running, store, poller, stop: () => (stopping ??= stop()) };
}
