import type { Kysely } from 'kysely';
import type { SqlEngine } from './open-database';
import type { Database } from './tables';

/**
 * Which replica polls which unfinished task. A task row names its poller (`lease_owner`) and
 * when that claim was made to lapse (`lease_until_ms`); a replica keeps all its claims alive at
 * once with its heartbeat row (`replica_heartbeats`). A task is free to claim when it has no
 * owner, or when its claim lapsed and its owner's heartbeat stopped (that replica died). On
 * PostgreSQL the claim skips rows another replica is claiming at that moment
 * (`FOR UPDATE SKIP LOCKED`), so each task has one poller.
 */
export class PollLeases {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: SqlEngine,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes up to `limit` unfinished tasks that nobody live holds, for `leaseMs`; resolves to
   * their ids. `includeOwn` also takes back `owner`'s own claims (start-up on SQLite, where the
   * one process keeps its name across restarts).
   */
  async claim(owner: string, leaseMs: number, limit: number, includeOwn = false): Promise<string[]> {
    const nowMs = this.now();
    const rows = await this.db
      .updateTable('tasks')
      .set({ lease_owner: owner, lease_until_ms: nowMs + leaseMs })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('tasks as t')
          .select('t.id')
          .where('t.finished', '=', 0)
          // A create still in flight or unresolved has nothing to poll yet.
          .where('t.upstream_task_id', 'is not', null)
          .where((w) =>
            w.or([
              w('t.lease_owner', 'is', null),
              w.and([
                w.or([w('t.lease_until_ms', 'is', null), w('t.lease_until_ms', '<', nowMs)]),
                w.not(
                  w.exists(
                    w
                      .selectFrom('replica_heartbeats as h')
                      .select('h.replica_id')
                      .whereRef('h.replica_id', '=', 't.lease_owner')
                      .where('h.alive_until_ms', '>=', nowMs),
                  ),
                ),
              ]),
              ...(includeOwn ? [w('t.lease_owner', '=', owner)] : []),
            ]),
          )
          .limit(limit)
          .$if(this.engine === 'postgres', (qb) => qb.forUpdate().skipLocked()),
      )
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /**
   * Keeps every claim of `owner` alive for `leaseMs` more (one heartbeat write, however many
   * tasks); resolves to the ids of the unfinished tasks it holds.
   */
  async renew(owner: string, leaseMs: number): Promise<string[]> {
    const aliveUntil = this.now() + leaseMs;
    await this.db
      .insertInto('replica_heartbeats')
      .values({ replica_id: owner, alive_until_ms: aliveUntil })
      .onConflict((conflict) => conflict.column('replica_id').doUpdateSet({ alive_until_ms: aliveUntil }))
      .execute();
    const rows = await this.db
      .selectFrom('tasks')
      .select('id')
      .where('lease_owner', '=', owner)
      .where('finished', '=', 0)
      .execute();
    return rows.map((row) => row.id);
  }

  /** Gives up `owner`'s claims and heartbeat (a clean shutdown): other replicas claim the tasks at once. */
  async release(owner: string): Promise<void> {
    await this.db
      .updateTable('tasks')
      .set({ lease_owner: null, lease_until_ms: null })
      .where('lease_owner', '=', owner)
      .where('finished', '=', 0)
      .execute();
    await this.db.deleteFrom('replica_heartbeats').where('replica_id', '=', owner).execute();
  }
}
