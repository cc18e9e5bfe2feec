/** Strict reading of the standalone simulator's environment variables. */
import type { SimulatorOptions } from './simulator';

/** A variable that is set but unusable. */
export class SimulatorEnvError extends Error {
  override readonly name = 'SimulatorEnvError';
}

/** Defaults of the standalone simulator (the embedded one picks a random port). */
export const CLI_DEFAULTS = { host: '127.0.0.1', port: 4010 } as const;

function integer(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  // Number() alone would accept "1e3", " 12 ", "0x10"; only plain digits are meant here.
  if (!/^\d+$/.test(raw.trim()))
    throw new SimulatorEnvError(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new SimulatorEnvError(`${name} must be from ${min} to ${max}, got ${value}`);
  return value;
}

/**
 * Reads SIMULATOR_HOST (default 127.0.0.1), SIMULATOR_PORT (default 4010),
 * SIMULATOR_QUEUE_MS, SIMULATOR_RUN_MS (defaults of {@link SimulatorOptions}),
 * SIMULATOR_API_KEY (optional) and SIMULATOR_FILES_BASE_URL (optional: the address browsers
 * reach its `/files` at, e.g. behind a proxy). Throws {@link SimulatorEnvError} on a bad value.
 */
export function simulatorOptionsFromEnv(env: NodeJS.ProcessEnv): SimulatorOptions {
  const host = env['SIMULATOR_HOST']?.trim() || CLI_DEFAULTS.host;
  const options: SimulatorOptions = { host, port: integer(env, 'SIMULATOR_PORT', 0, 65535) ?? CLI_DEFAULTS.port };
  const queueMs = integer(env, 'SIMULATOR_QUEUE_MS', 0, 86_400_000);
  const runMs = integer(env, 'SIMULATOR_RUN_MS', 0, 86_400_000);
  if (queueMs !== undefined) options.queueMs = queueMs;
  if (runMs !== undefined) options.runMs = runMs;
  const apiKey = env['SIMULATOR_API_KEY'];
  if (apiKey !== undefined && apiKey !== '') {
    if (apiKey.trim() !== apiKey)
      throw new SimulatorEnvError('SIMULATOR_API_KEY must not start or end with whitespace');
    options.apiKey = apiKey;
  }
  const filesBaseUrl = env['SIMULATOR_FILES_BASE_URL']?.trim();
  if (filesBaseUrl) {
    if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(filesBaseUrl)) {
      throw new SimulatorEnvError(
        `SIMULATOR_FILES_BASE_URL must be an http(s) URL without query, got ${JSON.stringify(filesBaseUrl)}`,
      );
    }
    options.filesBaseUrl = filesBaseUrl;
  }
  return options;
}
