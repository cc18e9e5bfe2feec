import type { Kysely } from 'kysely';
import type { SqlEngine } from './open-database';
import type { Database } from './tables';

/**
 * Which replica polls which unfinished task: a lease per task row (`lease_owner`,
 * `lease_until_ms`). A replica renews its leases while it lives and claims tasks whose lease
 * ran out (their replica died) or that have none; on PostgreSQL the claim skips rows another
 * replica is claiming at that moment (`FOR UPDATE SKIP LOCKED`), so each task has one poller.
 */
export class PollLeases {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: SqlEngine,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes up to `limit` unfinished tasks that have no live lease for `leaseMs`; resolves to
   * their ids. `includeOwn` also takes back `owner`'s own live leases (start-up on SQLite,
   * where the one process keeps its name across restarts).
   */
  async claim(owner: string, leaseMs: number, limit: number, includeOwn = false): Promise<string[]> {
    const nowMs = this.now();
    const rows = await this.db
      .updateTable('tasks')
      .set({ lease_owner: owner, lease_until_ms: nowMs + leaseMs })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('tasks')
          .select('id')
          .where('finished', '=', 0)
          // A create still in flight or unresolved has nothing to poll yet.
          .where('upstream_task_id', 'is not', null)
          .where((w) =>
            w.or([
              w('lease_until_ms', 'is', null),
              w('lease_until_ms', '<', nowMs),
              ...(includeOwn ? [w('lease_owner', '=', owner)] : []),
            ]),
          )
          .limit(limit)
          .$if(this.engine === 'postgres', (qb) => qb.forUpdate().skipLocked()),
      )
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /** Extends `owner`'s leases of unfinished tasks; resolves to the ids it still holds. */
  async renew(owner: string, leaseMs: number): Promise<string[]> {
    const rows = await this.db
      .updateTable('tasks')
      .set({ lease_until_ms: this.now() + leaseMs })
      .where('lease_owner', '=', owner)
      .where('finished', '=', 0)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /** Gives up `owner`'s leases (a clean shutdown): other replicas claim the tasks at once. */
  async release(owner: string): Promise<void> {
    await this.db
      .updateTable('tasks')
      .set({ lease_owner: null, lease_until_ms: null })
      .where('lease_owner', '=', owner)
      .where('finished', '=', 0)
      .execute();
  }
}
