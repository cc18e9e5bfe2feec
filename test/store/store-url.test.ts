import { parseStoreUrl, StoreUrlError } from '../../src/store/store-url';

describe('parseStoreUrl', () => {
  const cwd = '/srv/gateway';

  it.each([
    ['sqlite://./data/gateway.sqlite', '/srv/gateway/data/gateway.sqlite'],
    ['sqlite://data/gateway.sqlite', '/srv/gateway/data/gateway.sqlite'],
    ['sqlite://../shared/x.sqlite', '/srv/shared/x.sqlite'],
    ['sqlite:///var/lib/x.sqlite', '/var/lib/x.sqlite'],
    ['SQLite:///var/lib/x.sqlite', '/var/lib/x.sqlite'],
    ['  sqlite:///var/lib/x.sqlite\n', '/var/lib/x.sqlite'],
    ['sqlite:///var/lib/with space/x.sqlite', '/var/lib/with space/x.sqlite'],
  ])('reads %j as the SQLite file %s', (url, path) => {
    expect(parseStoreUrl(url, cwd)).toEqual({ kind: 'sqlite', path });
  });

  it('resolves relative paths against the working directory by default', () => {
    expect(parseStoreUrl('sqlite://./x.sqlite')).toEqual({ kind: 'sqlite', path: `${process.cwd()}/x.sqlite` });
  });

  it('reads memory://', () => {
    expect(parseStoreUrl('memory://')).toEqual({ kind: 'memory' });
    expect(parseStoreUrl('MEMORY://')).toEqual({ kind: 'memory' });
  });

  it.each([
    ['postgres://db/gateway', 'postgres://db/gateway'],
    [
      'postgresql://gateway:s3cret@db.internal:5433/gateway?sslmode=require',
      'postgresql://gateway:s3cret@db.internal:5433/gateway?sslmode=require',
    ],
    ['  POSTGRES://db/gateway\n', 'POSTGRES://db/gateway'],
  ])('reads %j as the PostgreSQL URL %j, passed to the driver as given', (url, driverUrl) => {
    expect(parseStoreUrl(url, cwd)).toEqual({ kind: 'postgres', url: driverUrl });
  });

  it.each([
    ['', /is empty/],
    ['   ', /is empty/],
    ['./data/gateway.sqlite', /no "<scheme>:\/\/" prefix/],
    ['sqlite:./data/gateway.sqlite', /no "<scheme>:\/\/" prefix/],
    ['memory', /no "<scheme>:\/\/" prefix/],
    ['redis://localhost:6379', /unsupported scheme "redis"/],
    ['postgres://', /PostgreSQL host is missing/],
    ['postgresql:///gateway', /PostgreSQL host is missing/],
    ['mysql://db/gateway', /unsupported scheme "mysql"/],
    ['sqlite://', /path is missing/],
    ['sqlite://:memory:', /use memory:\/\//],
    ['sqlite://file:x.sqlite?mode=ro', /query strings/],
    ['sqlite://./x.sqlite?busyTimeout=1', /query strings/],
    ['sqlite://./x.sqlite#frag', /query strings/],
    ['sqlite://./data/', /directory/],
    ['memory://somewhere', /takes no path/],
  ])('rejects %j', (url, reason) => {
    let error: unknown;
    try {
      parseStoreUrl(url, cwd);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreUrlError);
    expect((error as StoreUrlError).message).toMatch(reason);
    // Every message names the value and what would be accepted.
    expect((error as StoreUrlError).message).toContain(JSON.stringify(url));
    expect((error as StoreUrlError).message).toContain('sqlite://<path>');
    expect((error as StoreUrlError).url).toBe(url);
  });

  it('keeps credentials of a rejected URL out of the error', () => {
    expect(() => parseStoreUrl('rediss://user:s3cret@cache.internal:6380/0')).toThrow(StoreUrlError);
    try {
      parseStoreUrl('rediss://user:s3cret@cache.internal:6380/0');
    } catch (error) {
      expect((error as StoreUrlError).message).not.toContain('s3cret');
      expect((error as StoreUrlError).message).toContain('"rediss://***@cache.internal:6380/0"');
      expect((error as StoreUrlError).url).toBe('rediss://***@cache.internal:6380/0');
    }
  });
});
