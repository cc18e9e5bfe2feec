import { loadConfig } from '../../src/config/config';

const PRODUCTION = {
  NODE_ENV: 'production',
  SPARK_DANCE_API_KEY: 'sk',
  SPARK_DANCE_BASE_URL: 'https://api.example.com',
  GATEWAY_API_KEYS: 'k:c',
};

describe('DEMO_PAGE', () => {
  it('is on outside production and off in production unless set', () => {
    expect(loadConfig({}).demoPage).toBe(true);
    expect(loadConfig(PRODUCTION).demoPage).toBe(false);
    expect(loadConfig({ ...PRODUCTION, DEMO_PAGE: 'true' }).demoPage).toBe(true);
    expect(loadConfig({ DEMO_PAGE: 'false' }).demoPage).toBe(false);
  });

  it('refuses anything but true or false', () => {
    expect(() => loadConfig({ DEMO_PAGE: 'yes' })).toThrow(/DEMO_PAGE/);
  });
});
