import { Semaphore } from '../../src/http/semaphore';

describe('Semaphore', () => {
  it('grants up to its permits at once, then queues in arrival order', async () => {
    const semaphore = new Semaphore(2);
    const order: string[] = [];
    const first = await semaphore.acquire();
    const second = await semaphore.acquire();
    const waiters = ['a', 'b', 'c'].map((name) => semaphore.acquire().then((release) => (order.push(name), release)));
    expect(semaphore.inUse).toBe(2);
    expect(semaphore.waiting).toBe(3);

    first();
    const a = await waiters[0]!;
    expect(order).toEqual(['a']);
    expect(semaphore.inUse).toBe(2); // handed over, not freed and re-taken

    second();
    a();
    const [b, c] = await Promise.all([waiters[1]!, waiters[2]!]);
    expect(order).toEqual(['a', 'b', 'c']);
    b();
    c();
    expect(semaphore.inUse).toBe(0);
    expect(semaphore.waiting).toBe(0);
  });

  it('ignores a second release of the same permit', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    const next = semaphore.acquire();
    release();
    release(); // must not free the permit `next` now holds
    const nextRelease = await next;
    expect(semaphore.inUse).toBe(1);
    const third = semaphore.acquire();
    expect(semaphore.waiting).toBe(1);
    nextRelease();
    (await third)();
    expect(semaphore.inUse).toBe(0);
  });

  it('drops an aborted waiter from the queue at once, with the signal reason', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const aborted = semaphore.acquire(controller.signal);
    const later = semaphore.acquire();
    expect(semaphore.waiting).toBe(2);
    const reason = new Error('gave up');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(semaphore.waiting).toBe(1);
    release();
    (await later)(); // the permit went past the aborted waiter
    expect(semaphore.inUse).toBe(0);
  });

  it('refuses at once with an already aborted signal, even when a permit is free', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.acquire(AbortSignal.abort(new Error('too late')))).rejects.toThrow('too late');
    expect(semaphore.inUse).toBe(0);
  });

  it('an abort after the grant changes nothing', async () => {
    const semaphore = new Semaphore(1);
    const controller = new AbortController();
    const release = await semaphore.acquire(controller.signal);
    controller.abort();
    expect(semaphore.inUse).toBe(1);
    release();
    expect(semaphore.inUse).toBe(0);
  });

  it('needs at least one permit', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
