import { Repeater, type RepeaterBuffer } from '@graphql-yoga/subscription';

/** Receives values and the end of a stream from its producer. */
export interface StreamSink<T> {
  next(value: T): void;
  end(): void;
}

/**
 * An async iterator over a push source that is attached *now*, not on the first pull as a
 * plain Repeater would be: values pushed before the consumer starts pulling are kept in
 * order. `return()` ends it at once, even before the first pull or while no value is pending,
 * and always detaches the producer.
 *
 * @param attach registers the sink with the producer and returns the detach function
 * @param buffer optional Repeater buffer; without one, more than 1024 unread values throw
 *   (see {@link Repeater}), which producers treat as "consumer too slow"
 */
export function eagerStream<T>(attach: (sink: StreamSink<T>) => () => void, buffer?: RepeaterBuffer): AsyncIterableIterator<T> {
  const early: T[] = [];
  let ended = false;
  let live: StreamSink<T> | undefined;
  let detached = false;
  const detach = attach({
    next: (value) => (live ? live.next(value) : early.push(value)),
    end: () => (live ? live.end() : (ended = true)),
  });
  const detachOnce = (): void => {
    if (detached) return;
    detached = true;
    detach();
  };
  const repeater = new Repeater<T>(async (push, stop) => {
    live = { next: (value) => void push(value), end: () => stop() };
    for (const value of early.splice(0)) void push(value);
    if (ended) stop();
    await stop;
    detachOnce();
  }, buffer);
  const stopRepeater = repeater.return.bind(repeater);
  repeater.return = (value?: unknown) => {
    detachOnce();
    return stopRepeater(value);
  };
  return repeater;
}
