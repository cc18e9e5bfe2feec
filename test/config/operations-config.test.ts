import { ConfigError, loadConfig } from '../../src/config/config';

describe('config: CORS, metrics and traces', () => {
  it('defaults to no CORS origins, an open /metrics and tracing off', () => {
    const config = loadConfig({});
    expect(config.cors.origins).toEqual([]);
    expect(config.observability).toEqual({
      metricsToken: undefined,
      otlpEndpoint: undefined,
      serviceName: 'spark-dance-gateway',
    });
  });

  it('reads a comma list of origins, trimmed, and * alone', () => {
    expect(loadConfig({ CORS_ORIGINS: ' http://localhost:5173 , https://app.example.com:8443,' }).cors.origins).toEqual(
      ['http://localhost:5173', 'https://app.example.com:8443'],
    );
    expect(loadConfig({ CORS_ORIGINS: '*' }).cors.origins).toEqual(['*']);
  });

  it('refuses entries that are not exactly an origin', () => {
    for (const bad of [
      'localhost:5173',
      'https://app.example.com/',
      'https://app.example.com/path',
      'app.example.com',
    ]) {
      expect(() => loadConfig({ CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
    }
  });

  it('reads the metrics token and the OTLP endpoint, refusing a short token and a non-http endpoint', () => {
    const config = loadConfig({
      METRICS_TOKEN: 'a-scraper-token-123',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_SERVICE_NAME: 'gw-eu',
    });
    expect(config.observability).toEqual({
      metricsToken: 'a-scraper-token-123',
      otlpEndpoint: 'http://collector:4318',
      serviceName: 'gw-eu',
    });
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });
});
