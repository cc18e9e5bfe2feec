import { buildSchema, parse, type ExecutionResult } from 'graphql';
import { Repeater } from '@graphql-yoga/subscription';
import { SharedSubscriptions } from '../../src/live/shared-subscriptions';
import { waitFor } from '../support/wait-for';

/** A tiny schema whose one subscription field counts how often it is started and stopped. */
function counterSchema() {
  const schema = buildSchema('type Query { ok: Boolean } type Subscription { tick: Int }');
  const state = { started: 0, stopped: 0, push: (_value: number) => undefined as void, end: () => undefined as void };
  const field = schema.getSubscriptionType()!.getFields().tick!;
  field.subscribe = () =>
    new Repeater<{ tick: number }>(async (push, stop) => {
      state.started += 1;
      state.push = (value) => void push({ tick: value });
      state.end = () => stop();
      await stop;
      state.stopped += 1;
    });
  field.resolve = (payload: { tick: number }) => payload.tick;
  return { schema, state };
}

const args = (schema: ReturnType<typeof counterSchema>['schema']) => ({
  schema,
  document: parse('subscription { tick }'),
});

async function take(iterator: AsyncIterableIterator<ExecutionResult>, count: number): Promise<unknown[]> {
  const values: unknown[] = [];
  for (let i = 0; i < count; i += 1) values.push((await iterator.next()).value?.data);
  return values;
}

describe('SharedSubscriptions', () => {
  it('runs one execution for identical subscriptions and hands every subscriber the same result object', async () => {
    const { schema, state } = counterSchema();
    const shared = new SharedSubscriptions({ replayLatest: () => false });
    const a = (await shared.subscribe('k', args(schema))) as AsyncIterableIterator<ExecutionResult>;
    const b = (await shared.subscribe('k', args(schema))) as AsyncIterableIterator<ExecutionResult>;
    const nextA = a.next();
    const nextB = b.next();
    await waitFor(
      () => state.started,
      (n) => n === 1,
      { what: 'the shared execution to start' },
    );
    state.push(1);
    const [ra, rb] = await Promise.all([nextA, nextB]);
    expect(ra.value).toEqual({ data: { tick: 1 } });
    expect(ra.value).toBe(rb.value);
    expect(state.started).toBe(1);
    expect(shared.size).toBe(1);
  });

  it('replays the latest result to a late joiner of a live-state subscription, not of an event stream', async () => {
    for (const replay of [true, false]) {
      const { schema, state } = counterSchema();
      const shared = new SharedSubscriptions({ replayLatest: () => replay });
      const first = (await shared.subscribe('k', args(schema))) as AsyncIterableIterator<ExecutionResult>;
      const pending = first.next();
      await waitFor(
        () => state.started,
        (n) => n === 1,
        { what: 'the shared execution to start' },
      );
      state.push(1);
      await pending;
      const late = (await shared.subscribe('k', args(schema))) as AsyncIterableIterator<ExecutionResult>;
      const lateNext = late.next();
      state.push(2);
      expect((await lateNext).value?.data).toEqual({ tick: replay ? 1 : 2 });
      expect(await take(first, 1)).toEqual([{ tick: 2 }]);
      await first.return?.();
      await late.return?.();
    }
  });

  it('stops the execution when the last subscriber leaves, and starts afresh for the next one', async () => {
    const { schema, state } = counterSchema();
    const shared = new SharedSubscriptions({ replayLatest: () => false });
    const a = (await shared.subscribe('k', args(schema))) as AsyncIterableIterator<ExecutionResult>;
    const b = (await shared.subscribe('k', args(schema))) as AsyncIterableIterator<ExecutionResult>;
    await a.return?.();
    expect(state.stopped).toBe(0);
    await b.return?.();
    await waitFor(
      () => state.stopped,
      (n) => n === 1,
      { what: 'the execution to stop' },
    );
    expect(state.stopped).toBe(1);
    expect(shared.size).toBe(0);
    const c = (await shared.subscribe('k', args(schema))) as AsyncIterableIterator<ExecutionResult>;
    const next = c.next();
    await waitFor(
      () => state.started,
      (n) => n === 2,
      { what: 'a new execution to start' },
    );
    expect(state.started).toBe(2);
    state.push(5);
    expect((await next).value?.data).toEqual({ tick: 5 });
    await c.return?.();
  });

  it('ends every subscriber when the source completes', async () => {
    const { schema, state } = counterSchema();
    const shared = new SharedSubscriptions({ replayLatest: () => false });
    const a = (await shared.subscribe('k', args(schema))) as AsyncIterableIterator<ExecutionResult>;
    const pending = a.next();
    await waitFor(
      () => state.started,
      (n) => n === 1,
      { what: 'the shared execution to start' },
    );
    state.end();
    expect((await pending).done).toBe(true);
  });

  it('with a serialized delivery, serializes each result once for all subscribers and ends their iterators with the source', async () => {
    const { schema, state } = counterSchema();
    const shared = new SharedSubscriptions({ replayLatest: () => true });
    const received: string[][] = [[], []];
    const a = (await shared.subscribe('k', args(schema), (json) =>
      received[0]!.push(json),
    )) as AsyncIterableIterator<ExecutionResult>;
    const b = (await shared.subscribe('k', args(schema), (json) =>
      received[1]!.push(json),
    )) as AsyncIterableIterator<ExecutionResult>;
    const endA = a.next();
    await waitFor(
      () => state.started,
      (n) => n === 1,
      { what: 'the shared execution to start' },
    );
    state.push(7);
    await waitFor(
      () => received[0]!.length,
      (n) => n === 1,
      { what: 'the first delivery' },
    );
    expect(received[0]).toEqual(['{"data":{"tick":7}}']);
    expect(received[1]![0]).toBe(received[0]![0]); // the very same string
    const late: string[] = [];
    await shared.subscribe('k', args(schema), (json) => late.push(json));
    expect(late).toEqual(['{"data":{"tick":7}}']); // replayed latest, already serialized
    state.end();
    expect((await endA).done).toBe(true);
    expect((await b.next()).done).toBe(true);
  });

  it('returns start-up errors unshared', async () => {
    const { schema } = counterSchema();
    const shared = new SharedSubscriptions({ replayLatest: () => false });
    const result = await shared.subscribe('bad', { schema, document: parse('subscription { nope }') });
    expect(result).toHaveProperty('errors');
    expect(shared.size).toBe(0);
  });
});
