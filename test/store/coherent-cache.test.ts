import { CoherentCache } from '../../src/store/coherent-cache';

/** A promise and its resolver, to hold a load open while the test writes. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('CoherentCache', () => {
  it('loads once, then serves from memory', async () => {
    const cache = new CoherentCache<{ n: number }>(10);
    const load = jest.fn(async () => ({ n: 1 }));
    expect(await cache.read('a', load)).toEqual({ n: 1 });
    expect(await cache.read('a', load)).toEqual({ n: 1 });
    expect(load).toHaveBeenCalledTimes(1);
    expect(await cache.read('missing', async () => undefined)).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('writes through, caching a copy only once the store has it', async () => {
    const cache = new CoherentCache<{ n: number }>(10);
    const value = { n: 2 };
    await cache.write('a', value, async () => undefined);
    value.n = 99; // the writer keeps changing its own object
    expect(await cache.read('a', async () => ({ n: -1 }))).toEqual({ n: 2 });

    await expect(cache.write('a', { n: 3 }, async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    // Not cached: the next read asks the store, which still has the old value.
    expect(await cache.read('a', async () => ({ n: 2 }))).toEqual({ n: 2 });
  });

  it('never caches a value loaded while a write was under way (no stale fill)', async () => {
    const cache = new CoherentCache<string>(10);
    const slowLoad = deferred<string>();
    const reading = cache.read('a', () => slowLoad.promise);
    await cache.write('a', 'new', async () => undefined);
    slowLoad.resolve('old'); // what the store held when the read started
    expect(await reading).toBe('old');
    expect(await cache.read('a', async () => 'store')).toBe('new');

    // The same for a write that is still running when the load ends.
    const other = new CoherentCache<string>(10);
    const load = deferred<string>();
    const store = deferred<void>();
    const read = other.read('b', () => load.promise);
    const write = other.write('b', 'new', () => store.promise);
    load.resolve('old');
    await read;
    store.resolve();
    await write;
    expect(await other.read('b', async () => 'store')).toBe('new');

    const many = new CoherentCache<string>(10);
    const loadMany = deferred<Array<string | undefined>>();
    const readingMany = many.readMany(['c', 'd'], () => loadMany.promise);
    await many.write('c', 'new', async () => undefined);
    loadMany.resolve(['old', 'd0']);
    expect(await readingMany).toEqual(['old', 'd0']);
    expect(await many.readMany(['c', 'd'], async (missing) => missing.map((k) => `${k}-store`))).toEqual(['new', 'd-store']);
  });

  it('remembers absence when asked to, until the key is written', async () => {
    const cache = new CoherentCache<string>(10, true);
    const load = jest.fn(async () => undefined);
    expect(await cache.read('a', load)).toBeUndefined();
    expect(await cache.read('a', load)).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(1);
    await cache.write('a', 'now', async () => undefined);
    expect(await cache.read('a', load)).toBe('now');
    await cache.drop(['a'], async () => undefined);
    expect(await cache.readMany(['a', 'b'], async (missing) => missing.map(() => 'store'))).toEqual([undefined, 'store']);
    // Without the option, absence is asked again every time.
    const plain = new CoherentCache<string>(10);
    const again = jest.fn(async () => undefined);
    await plain.read('a', again);
    await plain.read('a', again);
    expect(again).toHaveBeenCalledTimes(2);
  });

  it('drops keys and everything around deletions, and evicts the values cached longest ago', async () => {
    const cache = new CoherentCache<number>(2);
    await cache.write('a', 1, async () => undefined);
    await cache.write('b', 2, async () => undefined);
    await cache.write('a', 10, async () => undefined); // a is cached again: now the newest
    await cache.write('c', 3, async () => undefined); // evicts b
    expect(cache.size).toBe(2);
    expect(await cache.read('a', async () => -1)).toBe(10);
    expect(await cache.read('b', async () => 20)).toBe(20);
    await cache.drop(['c'], async () => undefined);
    expect(await cache.read('c', async () => 30)).toBe(30);
    await cache.dropAll(async () => undefined);
    expect(cache.size).toBe(0);
  });
});
