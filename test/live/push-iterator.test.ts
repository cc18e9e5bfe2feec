import { PushIterator } from '../../src/live/push-iterator';

describe('PushIterator', () => {
  it('keeps values pushed before the first pull, in order, then delivers live ones', async () => {
    const it = new PushIterator<number>();
    it.push(1);
    it.push(2);
    expect(await it.next()).toEqual({ value: 1, done: false });
    expect(await it.next()).toEqual({ value: 2, done: false });
    const pending = it.next();
    it.push(3);
    expect(await pending).toEqual({ value: 3, done: false });
  });

  it('delivers what is queued, then ends, when the producer ends', async () => {
    let detached = 0;
    const it = new PushIterator<number>(() => (detached += 1));
    it.push(1);
    it.end();
    expect(it.push(2)).toBe(false);
    expect(await it.next()).toEqual({ value: 1, done: false });
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(detached).toBe(1);
  });

  it('return() ends a pending pull at once and detaches the producer exactly once', async () => {
    let detached = 0;
    const it = new PushIterator<number>(() => (detached += 1));
    const pending = it.next();
    await it.return();
    await it.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(detached).toBe(1);
  });

  it('settles concurrent pulls in order', async () => {
    const it = new PushIterator<number>();
    const first = it.next();
    const second = it.next();
    it.push(1);
    it.end();
    expect(await first).toEqual({ value: 1, done: false });
    expect(await second).toEqual({ value: undefined, done: true });
  });

  it('drops a consumer that leaves more than maxQueued values unread', async () => {
    let detached = 0;
    const it = new PushIterator<number>(() => (detached += 1), 3);
    expect([1, 2, 3].map((v) => it.push(v))).toEqual([true, true, true]);
    expect(it.push(4)).toBe(false);
    expect(detached).toBe(1);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });
});
