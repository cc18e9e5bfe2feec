import { subscribe, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { PushIterator } from './push-iterator';

/** What {@link SharedSubscriptions.subscribe} hands to the transport: a stream, or an error result. */
export type SharedSubscriptionResult = AsyncIterableIterator<ExecutionResult> | ExecutionResult;

/**
 * Hands a result, serialized once for all subscribers of the execution, straight to one
 * subscriber's transport (Hasura-style: ten thousand subscribers, one JSON.stringify).
 */
export type SerializedDelivery = (resultJson: string) => void;

/** One subscriber: its lifecycle iterator, and a direct delivery when the transport has one. */
interface Subscriber {
  iterator: PushIterator<ExecutionResult>;
  deliver: SerializedDelivery | undefined;
}

/** Options of {@link SharedSubscriptions}. */
export interface SharedSubscriptionsOptions {
  /**
   * Whether a subscriber that joins a running execution first gets its latest result. True
   * for live-state subscriptions ("current state, then changes"), false for event streams.
   */
  replayLatest(args: ExecutionArgs): boolean;
  /** Called when a shared execution fails unexpectedly (its subscribers are ended). */
  onError?(error: unknown): void;
  /** Applied once to every result before it is shared (e.g. production error masking). */
  formatResult?(result: ExecutionResult): ExecutionResult;
}

/**
 * One execution per distinct subscription, however many subscribers it has (as Hasura
 * multiplexes live queries): subscribers whose key (operation text, variables, viewer) is the
 * same share one graphql-js `subscribe()` execution, so each change resolves its selection
 * set once and every subscriber receives the same result object — or, with a
 * {@link SerializedDelivery}, the same serialized JSON, and the returned iterator only carries
 * the subscription's lifecycle (it ends when the execution ends). Transport-agnostic: the
 * graphql-ws server calls {@link subscribe} with the key it computes.
 */
export class SharedSubscriptions {
  private readonly executions = new Map<string, Promise<SharedExecution | ExecutionResult>>();

  constructor(private readonly options: SharedSubscriptionsOptions) {}

  /** Number of running shared executions (for tests and metrics). */
  get size(): number {
    return this.executions.size;
  }

  /** Joins (or starts) the execution for `key`; start-up errors come back as a result, unshared. */
  async subscribe(key: string, args: ExecutionArgs, deliver?: SerializedDelivery): Promise<SharedSubscriptionResult> {
    for (;;) {
      let pending = this.executions.get(key);
      if (!pending) {
        pending = this.start(key, args);
        this.executions.set(key, pending);
      }
      const execution = await pending;
      if (!(execution instanceof SharedExecution)) return execution;
      // It may have finished while we waited: start a fresh one rather than join a closed stream.
      if (execution.open) return execution.join(deliver);
      if (this.executions.get(key) === pending) this.executions.delete(key);
    }
  }

  private async start(key: string, args: ExecutionArgs): Promise<SharedExecution | ExecutionResult> {
    let result: Awaited<ReturnType<typeof subscribe>>;
    try {
      result = await subscribe(args);
    } catch (error) {
      this.executions.delete(key);
      throw error;
    }
    if (!isAsyncIterable(result)) {
      this.executions.delete(key);
      return this.options.formatResult ? this.options.formatResult(result) : result;
    }
    const format = this.options.formatResult ?? ((value: ExecutionResult) => value);
    return new SharedExecution(
      result,
      this.options.replayLatest(args),
      format,
      (execution) => {
        const current = this.executions.get(key);
        if (current) {
          current.then(
            (value) => value === execution && this.executions.delete(key),
            () => undefined, // a failed successor start was already reported to its own subscriber
          );
        }
      },
      this.options.onError,
    );
  }
}

/** One running graphql-js subscription and the subscribers fed from it. */
class SharedExecution {
  private readonly subscribers = new Set<Subscriber>();
  private latest: ExecutionResult | undefined;
  private latestJson: string | undefined;
  private closed = false;

  constructor(
    private readonly source: AsyncGenerator<ExecutionResult, void, void>,
    private readonly replay: boolean,
    private readonly format: (result: ExecutionResult) => ExecutionResult,
    private readonly onClosed: (execution: SharedExecution) => void,
    private readonly onError?: (error: unknown) => void,
  ) {
    void this.pump();
  }

  get open(): boolean {
    return !this.closed;
  }

  join(deliver?: SerializedDelivery): AsyncIterableIterator<ExecutionResult> {
    const subscriber: Subscriber = {
      deliver,
      iterator: new PushIterator(() => {
        this.subscribers.delete(subscriber);
        if (this.subscribers.size === 0) this.close();
      }),
    };
    if (this.replay && this.latest) this.emit(subscriber);
    this.subscribers.add(subscriber);
    return subscriber.iterator;
  }

  /** Sends the latest result to one subscriber, serializing it at most once per result. */
  private emit(subscriber: Subscriber): void {
    if (!subscriber.deliver) {
      subscriber.iterator.push(this.latest!);
      return;
    }
    this.latestJson ??= JSON.stringify(this.latest);
    subscriber.deliver(this.latestJson);
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await this.source.next();
        if (done) break;
        this.latest = this.format(value);
        this.latestJson = undefined;
        // A consumer too far behind is ended by its own iterator (or transport); the others go on.
        for (const subscriber of this.subscribers) this.emit(subscriber);
      }
    } catch (error) {
      this.onError?.(error);
    } finally {
      this.closed = true;
      this.onClosed(this);
      for (const subscriber of [...this.subscribers]) subscriber.iterator.end();
      this.subscribers.clear();
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClosed(this);
    this.source.return().catch((error: unknown) => this.onError?.(error));
  }
}

function isAsyncIterable(value: unknown): value is AsyncGenerator<ExecutionResult, void, void> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
