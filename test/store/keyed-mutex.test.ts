import { KeyedMutex } from '../../src/store/keyed-mutex';

/** A promise with its resolver, to hold work open until the test says so. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('KeyedMutex', () => {
  it('runs work for one key one at a time, in call order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const gate = deferred();
    const first = mutex.run('a', async () => {
      log.push('first:start');
      await gate.promise;
      log.push('first:end');
      return 1;
    });
    const second = mutex.run('a', async () => {
      log.push('second');
      return 2;
    });
    const third = mutex.run('a', async () => {
      log.push('third');
      return 3;
    });
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['first:start']);
    gate.resolve();
    expect(await Promise.all([first, second, third])).toEqual([1, 2, 3]);
    expect(log).toEqual(['first:start', 'first:end', 'second', 'third']);
  });

  it('lets different keys run at the same time', async () => {
    const mutex = new KeyedMutex();
    const gate = deferred();
    const blocked = mutex.run('a', () => gate.promise);
    // Would never resolve if 'b' waited for 'a'.
    await expect(mutex.run('b', async () => 'b done')).resolves.toBe('b done');
    gate.resolve();
    await blocked;
  });

  it('releases the key when work fails, and passes the error on', async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.run('a', async () => 'next')).resolves.toBe('next');
  });

  it('keeps no state for idle keys', async () => {
    const mutex = new KeyedMutex();
    await Promise.all(Array.from({ length: 100 }, (_, i) => mutex.run(`k${i % 7}`, async () => i)));
    await mutex.run('x', async () => Promise.reject(new Error('x'))).catch(() => undefined);
    expect(mutex.size).toBe(0);
  });

  it('idle() waits for work in progress, including work queued meanwhile', async () => {
    const mutex = new KeyedMutex();
    const gate = deferred();
    const done: string[] = [];
    void mutex.run('a', async () => {
      await gate.promise;
      done.push('a1');
    });
    void mutex.run('a', async () => {
      done.push('a2');
    });
    const idle = mutex.idle().then(() => done.push('idle'));
    gate.resolve();
    await idle;
    expect(done).toEqual(['a1', 'a2', 'idle']);
    expect(mutex.size).toBe(0);
  });
});
