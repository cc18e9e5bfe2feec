import { SimulatorEnvError, simulatorOptionsFromEnv } from '../../src/simulator/cli-env';

describe('simulator CLI environment', () => {
  it('uses 127.0.0.1:4010 and the simulator defaults when nothing is set', () => {
    expect(simulatorOptionsFromEnv({})).toEqual({ host: '127.0.0.1', port: 4010 });
  });

  it('reads every variable', () => {
    expect(
      simulatorOptionsFromEnv({
        SIMULATOR_HOST: '0.0.0.0',
        SIMULATOR_PORT: '0',
        SIMULATOR_QUEUE_MS: '10',
        SIMULATOR_RUN_MS: '20',
        SIMULATOR_API_KEY: 'k',
      }),
    ).toEqual({ host: '0.0.0.0', port: 0, queueMs: 10, runMs: 20, apiKey: 'k' });
  });

  it('reads the public base of its file URLs', () => {
    const options = simulatorOptionsFromEnv({ SIMULATOR_FILES_BASE_URL: 'http://localhost:4010/files' });
    expect(options.filesBaseUrl).toBe('http://localhost:4010/files');
  });

  it.each([
    ['SIMULATOR_FILES_BASE_URL', 'ftp://files.example', /SIMULATOR_FILES_BASE_URL must be an http\(s\) URL/],
    ['SIMULATOR_FILES_BASE_URL', 'http://x.example/files?a=1', /without query/],
    ['SIMULATOR_PORT', 'abc', /SIMULATOR_PORT must be a whole number/],
    ['SIMULATOR_PORT', '65536', /SIMULATOR_PORT must be from 0 to 65535/],
    ['SIMULATOR_PORT', '1e3', /whole number/],
    ['SIMULATOR_QUEUE_MS', '-5', /SIMULATOR_QUEUE_MS must be a whole number/],
    ['SIMULATOR_RUN_MS', '1.5', /SIMULATOR_RUN_MS must be a whole number/],
    ['SIMULATOR_API_KEY', ' padded ', /whitespace/],
  ])('refuses %s=%j', (name, value, message) => {
    expect(() => simulatorOptionsFromEnv({ [name]: value })).toThrow(SimulatorEnvError);
    expect(() => simulatorOptionsFromEnv({ [name]: value })).toThrow(message);
  });
});
