import type { Logger } from 'pino';
import type { PollLeases } from '../store/poll-leases';

/** What {@link TaskOwnership} drives: the poller of this replica. */
export interface OwnedTaskPoller {
  watch(taskId: string): void;
  unwatch(taskId: string): void;
  watchedIds(): string[];
}

/** Options of {@link TaskOwnership}. */
export interface TaskOwnershipOptions {
  leases: Pick<PollLeases, 'claim' | 'renew' | 'release'>;
  poller: OwnedTaskPoller;
  /** This replica's name in the leases. */
  owner: string;
  leaseMs: number;
  logger: Logger;
  /** Tasks claimed per query (start-up claims in batches until none is left). */
  claimBatch?: number;
}

/**
 * Keeps this replica's poller on exactly the tasks it holds a lease for. Every third of a lease
 * it renews its leases (dropping any task it lost, which only happens when it failed to renew
 * in time) and claims tasks without a live lease: new ones nobody polls and those of a replica
 * that died, taken over within a lease and a third (about 13 s by default). On a clean stop it
 * gives its leases up, so the others take its tasks over at their next claim.
 */
export class TaskOwnership {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: TaskOwnershipOptions) {}

  /** Claims every task without a live lease (on SQLite: every unfinished task), then keeps the leases up. */
  async start(): Promise<void> {
    // The heartbeat first: claims made before it would look abandoned to the other replicas.
    await this.options.leases.renew(this.options.owner, this.options.leaseMs);
    const claimed = await this.claimAll(true);
    this.options.logger.info({ resumed: claimed, owner: this.options.owner }, 'poller started');
    this.timer = setInterval(
      () => {
        this.ticking = this.ticking.then(() => this.tick());
      },
      Math.max(100, Math.floor(this.options.leaseMs / 3)),
    );
    this.timer.unref();
  }

  /** Stops renewing and claiming, then releases this replica's leases. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    await this.options.leases
      .release(this.options.owner)
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'could not release poll leases'));
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const { leases, poller, owner, leaseMs, logger } = this.options;
    try {
      // Watched before the renewal: a task leased here while it ran (a create confirmed, an
      // adoption) is not in its answer, and must not be dropped for that.
      const watchedBefore = poller.watchedIds();
      const held = new Set(await leases.renew(owner, leaseMs));
      for (const id of watchedBefore) if (!held.has(id)) poller.unwatch(id);
      // Held but not followed (a watch lost to a race): follow it, or nobody ever reads it.
      for (const id of held) poller.watch(id);
      await this.claimAll();
    } catch (error) {
      logger.warn({ err: error }, 'poll lease renewal failed');
    }
  }

  private async claimAll(includeOwn = false): Promise<number> {
    const batch = this.options.claimBatch ?? 500;
    let total = 0;
    for (let first = true; ; first = false) {
      if (this.stopped) return total;
      // Own leases in one unbounded first claim: they stay live, so a later batch would return them again.
      const own = includeOwn && first;
      const limit = own ? Number.MAX_SAFE_INTEGER : batch;
      const ids = await this.options.leases.claim(this.options.owner, this.options.leaseMs, limit, own);
      for (const id of ids) this.options.poller.watch(id);
      total += ids.length;
      if (!own && ids.length < batch) return total;
    }
  }
}
