import 'reflect-metadata';
import { loadConfig, ConfigError, type GatewayConfig } from './config/config';
import { startGateway, type UpstreamTarget } from './gateway';
import { SIMULATOR_FILES_PREFIX } from './http/simulator-files-proxy';
import { createLogger } from './logger';
import { startSimulator } from './simulator';
import { startupProblem } from './startup-errors';

/**
 * Entry point: configuration from the environment, the embedded simulator when no upstream
 * key is set, the gateway, and a graceful shutdown on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);

  let upstream: UpstreamTarget;
  let stopSimulator: (() => Promise<void>) | undefined;
  if (config.upstream.apiKey && config.upstream.baseUrl) {
    upstream = { baseUrl: config.upstream.baseUrl, apiKey: config.upstream.apiKey };
    logger.info({ baseUrl: config.upstream.baseUrl }, 'using the real Spark Dance API');
  } else {
    const simulatorKey = 'embedded-simulator';
    const simulator = await startSimulator({
      host: '127.0.0.1',
      port: 0,
      apiKey: simulatorKey,
      queueMs: config.simulator.queueMs,
      runMs: config.simulator.runMs,
      logger: logger.child({ component: 'simulator' }),
      filesBaseUrl: simulatorFilesBaseUrl(config),
    });
    upstream = { baseUrl: simulator.url, apiKey: simulatorKey, simulatorFilesUrl: `${simulator.url}/files` };
    stopSimulator = () => simulator.stop();
    logger.warn(
      { simulatorUrl: simulator.url },
      'SIMULATED UPSTREAM: SPARK_DANCE_API_KEY is not set, every video is the same sample clip',
    );
    if (/^postgres(ql)?:/i.test(config.storeUrl.trim())) {
      // Replicas sharing the database would each talk to a private simulator that knows only its own tasks.
      logger.warn(
        'the embedded simulator is private to this process: run replicas against one upstream (SPARK_DANCE_BASE_URL)',
      );
    }
  }

  const gateway = await startGateway(config, upstream, logger);

  let shuttingDown = false;
  const shutdown = (signal: string): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const forced = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.upstream.timeoutMs + 15_000); // room for a create in flight to finish and be stored
    forced.unref();
    gateway
      .stop()
      .then(() => stopSimulator?.())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * Where browsers fetch the simulator's files: the gateway's own `/simulator-files/` (stable
 * across restarts, unlike the simulator's random port). Undefined (the simulator's own URL)
 * when the gateway's address is not known up front (PORT=0 without PUBLIC_BASE_URL).
 */
function simulatorFilesBaseUrl(config: GatewayConfig): string | undefined {
  const prefix = SIMULATOR_FILES_PREFIX.replace(/\/$/, '');
  if (config.callbacks.publicBaseUrl) return `${config.callbacks.publicBaseUrl}${prefix}`;
  if (config.port === 0) return undefined;
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  const host = wildcard ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}${prefix}`;
}

main().catch((error: unknown) => {
  const known = startupProblem(error);
  process.stderr.write(
    known ? `${known}\n` : `fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
