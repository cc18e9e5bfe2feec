import { randomUUID } from 'node:crypto';
import { CacheOpenError, openCaches, type GatewayCaches } from '../../src/store/caches';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The behaviour both cache backends share: what the store and the usage reports rely on. */
describe.each([
  ['in-process', undefined],
  ['redis', REDIS_URL],
])('gateway caches (%s)', (_name, url) => {
  let caches: GatewayCaches;
  beforeAll(async () => {
    caches = await openCaches({ url, maxEntries: 3 });
  });
  afterAll(() => caches.close());

  it('stores, reads and deletes values, each cache in its own namespace', async () => {
    const key = randomUUID();
    await caches.tasks.set(key, '{"a":1}');
    expect(await caches.tasks.get(key)).toBe('{"a":1}');
    expect(await caches.usageReports.get(key)).toBeUndefined();
    await caches.tasks.delete(key);
    expect(await caches.tasks.get(key)).toBeUndefined();
  });

  it('forgets a value after its time to live', async () => {
    const key = randomUUID();
    await caches.usageReports.set(key, 'x', 1);
    await new Promise((resolve) => setTimeout(resolve, 20)); // past the 1 ms ttl: the expiry itself is under test
    expect(await caches.usageReports.get(key)).toBeUndefined();
  });
});

describe('in-process caches', () => {
  it('are bounded: the least recently used entry goes first', async () => {
    const caches = await openCaches({ maxEntries: 2 });
    await caches.tasks.set('a', '1');
    await caches.tasks.set('b', '2');
    await caches.tasks.get('a');
    await caches.tasks.set('c', '3');
    expect(await caches.tasks.get('b')).toBeUndefined();
    expect(await caches.tasks.get('a')).toBe('1');
    await caches.close();
  });
});

describe('CACHE_URL', () => {
  it('refuses a non-Redis URL and an unreachable Redis with a CacheOpenError naming the setting', async () => {
    await expect(openCaches({ url: 'memcached://127.0.0.1' })).rejects.toBeInstanceOf(CacheOpenError);
    await expect(openCaches({ url: 'redis://:secret@127.0.0.1:1' })).rejects.toThrow(
      /CACHE_URL redis:\/\/\*\*\*@127\.0\.0\.1:1/,
    );
  });
});
