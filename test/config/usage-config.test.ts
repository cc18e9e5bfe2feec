import { ConfigError, loadConfig } from '../../src/config/config';

describe('config: usage reports', () => {
  it('defaults USAGE_REPORT_MAX_BUCKETS to 1000 and reads a given value', () => {
    expect(loadConfig({}).usage.maxReportBuckets).toBe(1000);
    expect(loadConfig({ USAGE_REPORT_MAX_BUCKETS: '24' }).usage.maxReportBuckets).toBe(24);
  });

  it('refuses a maximum that is not a whole number from 1 to 100000', () => {
    for (const bad of ['0', '-5', '1.5', 'many', '100001']) {
      expect(() => loadConfig({ USAGE_REPORT_MAX_BUCKETS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ USAGE_REPORT_MAX_BUCKETS: bad })).toThrow(/USAGE_REPORT_MAX_BUCKETS/);
    }
  });
});
