/**
 * `callback_url` delivery: the same JSON a status read returns, POSTed at each status change
 * after creation (processing, then completed / failed / expired). Best effort like the real
 * thing: one attempt per change, 5 s timeout, failures only counted. Deliveries for one task
 * are sent one after another so a receiver never sees `completed` before `processing`.
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SimulatorLogger } from './logger';
import type { StatsRecorder } from './stats';
import type { SimTask, TaskBook } from './task-book';
import type { TimerSet } from './timers';
import type { WireTask } from './task-view';
import type { SimTaskStatus } from './wire-values';

/** Dependencies of {@link CallbackNotifier}. */
export interface CallbackNotifierOptions {
  book: TaskBook;
  timers: TimerSet;
  stats: StatsRecorder;
  render: (task: SimTask) => WireTask;
  logger?: SimulatorLogger;
  timeoutMs?: number;
}

interface Subscription {
  url: string;
  lastStatus: SimTaskStatus;
  timer: NodeJS.Timeout | undefined;
  /** Tail of this task's deliveries, to keep them in order. */
  chain: Promise<void>;
}

/** Watches tasks that have a callback URL and notifies it of each status change. */
export class CallbackNotifier {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly inFlight = new Set<ClientRequest>();
  private stopped = false;

  constructor(private readonly options: CallbackNotifierOptions) {}

  /** Starts watching a new task (no-op without a callback URL). */
  track(task: SimTask): void {
    if (this.stopped || task.request.callbackUrl === null) return;
    // The create answer already told the caller "pending"; only later changes are sent.
    this.subscriptions.set(task.id, {
      url: task.request.callbackUrl,
      lastStatus: 'pending',
      timer: undefined,
      chain: Promise.resolve(),
    });
    this.refresh(task);
  }

  /** Sends a callback if the status changed, and re-arms the timer for the next change. */
  refresh(task: SimTask): void {
    const subscription = this.subscriptions.get(task.id);
    if (this.stopped || !subscription) return;
    this.options.timers.clear(subscription.timer);
    subscription.timer = undefined;
    const { status } = this.options.book.state(task);
    if (status !== subscription.lastStatus) {
      subscription.lastStatus = status;
      const body = JSON.stringify(this.options.render(task));
      subscription.chain = subscription.chain.then(() => this.deliver(subscription.url, task.id, status, body));
    }
    const next = this.options.book.nextChangeAt(task);
    if (next !== null) {
      // At least 1 ms, so a clock that stands still (tests' `now`) cannot make this spin.
      subscription.timer = this.options.timers.set(
        () => this.refresh(task),
        Math.max(1, next - this.options.book.now()),
      );
    }
  }

  /** Aborts deliveries in flight and forgets every task; timers are cleared by their owner. */
  stop(): void {
    this.stopped = true;
    for (const request of this.inFlight) request.destroy();
    this.inFlight.clear();
    this.subscriptions.clear();
  }

  private deliver(url: string, taskId: string, status: SimTaskStatus, body: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const timeoutMs = this.options.timeoutMs ?? 5000;
    return new Promise<void>((resolve) => {
      let settled = false;
      // eslint-disable-next-line prefer-const -- assigned after `finish`, which clears it
      let timer: NodeJS.Timeout | undefined;
      const finish = (delivered: boolean, reason?: string): void => {
        if (settled) return;
        settled = true;
        this.options.timers.clear(timer);
        this.inFlight.delete(request);
        if (!this.stopped) {
          this.options.stats.recordCallback(delivered);
          if (!delivered) this.options.logger?.warn({ taskId, status, reason }, 'simulator callback failed');
        }
        resolve();
      };
      const send = url.startsWith('https:') ? httpsRequest : httpRequest;
      // No keep-alive agent: a pooled socket would outlive stop() as an open handle.
      const request = send(url, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      this.inFlight.add(request);
      let answered: number | undefined;
      const outcome = (): void => {
        const ok = answered !== undefined && answered >= 200 && answered < 300;
        finish(ok, answered === undefined ? 'connection closed before an answer' : ok ? undefined : `HTTP ${answered}`);
      };
      request.on('response', (response) => {
        answered = response.statusCode ?? 0;
        response.resume();
        response.on('end', outcome);
        response.on('error', (error) => finish(false, error.message));
      });
      request.on('error', (error) => finish(false, error.message));
      // The status line is enough to judge the delivery, whichever of 'end' and 'close' comes first.
      request.on('close', outcome);
      timer = this.options.timers.set(() => {
        request.destroy(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      request.end(body);
    });
  }
}
