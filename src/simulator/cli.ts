/**
 * `npm run simulator`: the simulator alone, configured from SIMULATOR_* variables, logging
 * JSON lines on stdout and stopping cleanly on SIGINT / SIGTERM.
 */
import { SimulatorEnvError, simulatorOptionsFromEnv } from './cli-env';
import type { SimulatorLogger } from './logger';
import { startSimulator } from './simulator';

function line(level: 'info' | 'warn', obj: object, msg?: string): void {
  process.stdout.write(
    `${JSON.stringify({ level, time: Date.now(), component: 'simulator', ...obj, ...(msg ? { msg } : {}) })}\n`,
  );
}

const logger: SimulatorLogger = {
  info: (obj, msg) => line('info', obj, msg),
  warn: (obj, msg) => line('warn', obj, msg),
};

async function main(): Promise<void> {
  let options;
  try {
    options = simulatorOptionsFromEnv(process.env);
  } catch (error) {
    if (error instanceof SimulatorEnvError) {
      process.stderr.write(`simulator: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const simulator = await startSimulator({ ...options, logger });
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'simulator shutting down');
    simulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`simulator: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
