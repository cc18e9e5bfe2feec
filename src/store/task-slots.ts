import { sql, type Kysely } from 'kysely';
import type { SqlEngine } from './open-database';
import type { Database } from './tables';
import { integerOf } from './task-rows';

/** Which cap refused a slot. */
export type SlotRefusal = 'client' | 'upstream';

/** The two caps a reservation is checked against. */
export interface SlotCaps {
  /** Unfinished tasks (and creates in progress) one client may have. */
  perClient: number;
  /** Unfinished upstream tasks (and creates in progress) of the whole gateway. */
  upstream: number;
}

/** Advisory lock key that serializes reservations across replicas (PostgreSQL). */
const RESERVATION_LOCK = 0x5d5107;

/**
 * Submission slots in SQL, so the caps hold for the whole gateway, not per replica. A
 * reservation is a row written before the upstream create, checked against the caps and
 * inserted in one transaction that reservations take one at a time (an advisory lock on
 * PostgreSQL; SQLite serializes writers anyway). Storing the task commits it and the task's
 * finishing write deletes it (both in `SqlTaskRepository`); a reservation never committed
 * (its replica died mid-create) stops counting when it expires.
 */
export class TaskSlots {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: SqlEngine,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes a slot for `taskId` of `clientId`, held uncommitted for `holdMs`, or says which cap is full.
   */
  async reserve(clientId: string, taskId: string, caps: SlotCaps, holdMs: number): Promise<SlotRefusal | undefined> {
    const nowMs = this.now();
    return this.db.transaction().execute(async (trx) => {
      if (this.engine === 'postgres') await sql`SELECT pg_advisory_xact_lock(${RESERVATION_LOCK})`.execute(trx);
      const counts = await trx
        .selectFrom('task_slots')
        .select((eb) => [
          eb.fn.countAll().as('total'),
          eb.fn.sum(eb.case().when('client_id', '=', clientId).then(1).else(0).end()).as('mine'),
        ])
        .where((eb) => eb.or([eb('committed', '=', 1), eb('expires_at_ms', '>', nowMs)]))
        .executeTakeFirstOrThrow();
      if (integerOf(counts.total, 'task_slots count') >= caps.upstream) return 'upstream';
      if (integerOf(counts.mine ?? 0, 'task_slots count') >= caps.perClient) return 'client';
      await trx
        .insertInto('task_slots')
        .values({ task_id: taskId, client_id: clientId, committed: 0, expires_at_ms: nowMs + holdMs })
        .execute();
      return undefined;
    });
  }

  /** Gives a reservation back (the create was refused, or never sent). */
  async release(taskId: string): Promise<void> {
    await this.db.deleteFrom('task_slots').where('task_id', '=', taskId).execute();
  }

  /** Ids of the unfinished tasks holding slots: the client's, or everyone's. */
  async activeTaskIds(clientId?: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('task_slots')
      .select('task_id')
      .where('committed', '=', 1)
      .$if(clientId !== undefined, (qb) => qb.where('client_id', '=', clientId!))
      .execute();
    return rows.map((row) => row.task_id);
  }

  /** Slots held now (tasks and creates in progress): the client's, or everyone's. */
  async count(clientId?: string): Promise<number> {
    const nowMs = this.now();
    const row = await this.db
      .selectFrom('task_slots')
      .select((eb) => eb.fn.countAll().as('held'))
      .where((eb) => eb.or([eb('committed', '=', 1), eb('expires_at_ms', '>', nowMs)]))
      .$if(clientId !== undefined, (qb) => qb.where('client_id', '=', clientId!))
      .executeTakeFirstOrThrow();
    return integerOf(row.held, 'task_slots count');
  }
}
