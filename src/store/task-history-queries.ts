import type { Kysely } from 'kysely';
import type { GenerationMode } from '../domain/generation-mode';
import type { VideoTaskStatus } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import type { Database } from './tables';
import { integerOf, parseTaskData } from './task-rows';

/** A task's position in its client's history: newest first, ties by id (descending). */
export interface HistoryPosition {
  createdAtMs: number;
  taskId: string;
}

/** Which part of a client's history to read; every part is optional. */
export interface HistoryQuery {
  /** Only tasks strictly after this position (older, or as old with a smaller id). */
  after?: HistoryPosition;
  statuses?: readonly VideoTaskStatus[];
  modes?: readonly GenerationMode[];
  /** Created at or after (inclusive), epoch ms. */
  createdFromMs?: number;
  /** Created strictly before, epoch ms. */
  createdBeforeMs?: number;
  limit: number;
}

/** One listed task and its position. */
export interface HistoryRow {
  position: HistoryPosition;
  task: VideoTask;
}

/**
 * A client's tasks, newest first, from the index on (client_id, created_at_ms desc, id desc):
 * a page costs one index range scan of `limit` rows whatever the size of the store.
 */
export class TaskHistoryQueries {
  constructor(private readonly db: Kysely<Database>) {}

  async page(clientId: string, query: HistoryQuery): Promise<HistoryRow[]> {
    const { after, statuses, modes, createdFromMs, createdBeforeMs } = query;
    const rows = await this.db
      .selectFrom('tasks')
      .select(['id', 'created_at_ms', 'data'])
      .where('client_id', '=', clientId)
      .$if(after !== undefined, (qb) =>
        qb.where((eb) =>
          eb.or([
            eb('created_at_ms', '<', after!.createdAtMs),
            eb.and([eb('created_at_ms', '=', after!.createdAtMs), eb('id', '<', after!.taskId)]),
          ]),
        ),
      )
      .$if(statuses !== undefined && statuses.length > 0, (qb) => qb.where('status', 'in', statuses!))
      .$if(modes !== undefined && modes.length > 0, (qb) => qb.where('mode', 'in', modes!))
      .$if(createdFromMs !== undefined, (qb) => qb.where('created_at_ms', '>=', createdFromMs!))
      .$if(createdBeforeMs !== undefined, (qb) => qb.where('created_at_ms', '<', createdBeforeMs!))
      .orderBy('created_at_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit)
      .execute();
    return rows.map((row) => ({
      position: { createdAtMs: integerOf(row.created_at_ms, `tasks:${row.id}`), taskId: row.id },
      task: parseTaskData(row.data, row.id),
    }));
  }
}
