import { ConfigError, loadConfig, parseApiKeys } from '../../src/config/config';

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: '0.0.0.0',
      storeUrl: 'sqlite://./data/gateway.sqlite',
      production: false,
      maxBodyBytes: 170 * 1024 * 1024,
      upstream: {
        apiKey: undefined,
        baseUrl: undefined,
        createPath: '/v1/video/generations',
        statusPath: '/v1/video/generations/{id}',
        timeoutMs: 30000,
      },
      poll: {
        minIntervalMs: 2000,
        maxIntervalMs: 15000,
        flexMaxIntervalMs: 120000,
        callbackSafetyIntervalMs: 60000,
        notFoundConfirmMs: 60000,
        concurrency: 8,
      },
      callbacks: { publicBaseUrl: undefined, secret: undefined },
      websocket: { connectionInitTimeoutMs: 5000, keepAliveMs: 12000, maxMessageBytes: 1048576 },
      maxPromptChars: 5000,
    });
    expect(config.apiKeys.size).toBe(0);
  });

  it('reads MAX_PROMPT_CHARS and refuses one below 1', () => {
    expect(loadConfig({ MAX_PROMPT_CHARS: '800' }).maxPromptChars).toBe(800);
    expect(() => loadConfig({ MAX_PROMPT_CHARS: '0' })).toThrow(/MAX_PROMPT_CHARS/);
  });

  it('reports every problem at once, without echoing secrets', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        POLL_MIN_INTERVAL_MS: '5000',
        POLL_MAX_INTERVAL_MS: '100',
        SPARK_DANCE_API_KEY: 'sk-secret',
        GATEWAY_API_KEYS: 'lonely-secret',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/POLL_MAX_INTERVAL_MS/);
    expect(message).toMatch(/SPARK_DANCE_BASE_URL/);
    expect(message).toMatch(/GATEWAY_API_KEYS entry #1/);
    expect(message).not.toContain('sk-secret');
    expect(message).not.toContain('lonely-secret');
  });

  it('reads callback settings and refuses a short secret or a non-http public URL', () => {
    const config = loadConfig({ PUBLIC_BASE_URL: 'https://gw.example.com/', CALLBACK_SECRET: 'x'.repeat(32) });
    expect(config.callbacks).toEqual({ publicBaseUrl: 'https://gw.example.com', secret: 'x'.repeat(32) });
    expect(() => loadConfig({ CALLBACK_SECRET: 'short' })).toThrow(/CALLBACK_SECRET/);
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'ftp://gw' })).toThrow(/PUBLIC_BASE_URL/);
  });

  it('refuses to start in production without client keys or without the real upstream', () => {
    const upstream = { SPARK_DANCE_API_KEY: 'sk', SPARK_DANCE_BASE_URL: 'https://api.example.com' };
    expect(() => loadConfig({ NODE_ENV: 'production', ...upstream })).toThrow(/GATEWAY_API_KEYS: required/);
    expect(() => loadConfig({ NODE_ENV: 'production', GATEWAY_API_KEYS: 'k:c' })).toThrow(
      /SPARK_DANCE_API_KEY: required/,
    );
    expect(loadConfig({ NODE_ENV: 'production', GATEWAY_API_KEYS: 'k:c', ...upstream }).production).toBe(true);
  });

  it('refuses a base URL without a key instead of silently using the simulator', () => {
    expect(() => loadConfig({ SPARK_DANCE_BASE_URL: 'https://api.example.com' })).toThrow(/set both, or neither/);
  });

  it('needs an http(s) base URL with an API key', () => {
    expect(() => loadConfig({ SPARK_DANCE_API_KEY: 'k', SPARK_DANCE_BASE_URL: 'ftp://x' })).toThrow(ConfigError);
    expect(
      loadConfig({ SPARK_DANCE_API_KEY: 'k', SPARK_DANCE_BASE_URL: 'https://api.example.com' }).upstream.baseUrl,
    ).toBe('https://api.example.com');
  });

  it('takes JWT settings, one key source at a time, and a JWKS only over https in production', () => {
    const secret = 's'.repeat(32);
    expect(loadConfig({ AUTH_JWT_SECRET: secret, AUTH_JWT_AUDIENCE: 'gw' }).jwt).toEqual({
      secret,
      jwksUrl: undefined,
      issuer: undefined,
      audience: 'gw',
    });
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'short' })).toThrow(/AUTH_JWT_SECRET/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: 'https://auth.example.com/jwks.json' })).toThrow(
      /not both/,
    );
    const upstream = { SPARK_DANCE_API_KEY: 'k', SPARK_DANCE_BASE_URL: 'https://api.example.com' };
    expect(() =>
      loadConfig({ NODE_ENV: 'production', ...upstream, AUTH_JWKS_URL: 'http://auth.example.com/jwks.json' }),
    ).toThrow(/AUTH_JWKS_URL: must be https/);
    // A JWT source is identity enough for production: no API keys needed.
    expect(
      loadConfig({ NODE_ENV: 'production', ...upstream, AUTH_JWKS_URL: 'https://auth.example.com/jwks.json' })
        .production,
    ).toBe(true);
  });
});

describe('parseApiKeys', () => {
  it('reads key:client and key:client:admin entries', () => {
    const { keys, problems } = parseApiKeys(' a:alice , b:bob:admin ,');
    expect(problems).toEqual([]);
    expect(keys.get('a')).toEqual({ clientId: 'alice', admin: false });
    expect(keys.get('b')).toEqual({ clientId: 'bob', admin: true });
  });

  it('refuses malformed and repeated entries', () => {
    expect(parseApiKeys('a').problems).toHaveLength(1);
    expect(parseApiKeys('a:b:root').problems).toHaveLength(1);
    expect(parseApiKeys('a:b:admin:x').problems).toHaveLength(1);
    expect(parseApiKeys('a:b,a:c').problems).toEqual(['GATEWAY_API_KEYS entry #2 repeats a key']);
  });
});
