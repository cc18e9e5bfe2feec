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

  /**
   * A page of positions, then the tasks: with a status or mode filter the positions come from
   * the index alone (it carries both), so only the rows of the page are read; without one, a
   * single query reads the page's rows straight off the index range.
   */
  async page(clientId: string, query: HistoryQuery): Promise<HistoryRow[]> {
    const filtered = (query.statuses?.length ?? 0) > 0 || (query.modes?.length ?? 0) > 0;
    if (!filtered) {
      const rows = await this.range(clientId, query).select(['id', 'created_at_ms', 'data']).execute();
      return rows.map((row) => ({ position: positionOf(row), task: parseTaskData(row.data, row.id) }));
    }
    const positions = (await this.range(clientId, query).select(['id', 'created_at_ms']).execute()).map(positionOf);
    if (positions.length === 0) return [];
    const ids = positions.map((position) => position.taskId);
    const rows = await this.db.selectFrom('tasks').select(['id', 'data']).where('id', 'in', ids).execute();
    const data = new Map(rows.map((row) => [row.id, row.data]));
    // A task deleted in between (a refused create) drops out of the page.
    return positions.flatMap((position) => {
      const found = data.get(position.taskId);
      return found === undefined ? [] : [{ position, task: parseTaskData(found, position.taskId) }];
    });
  }

  /** The client's tasks matching `query`, newest first, limited: the selection is the caller's. */
  private range(clientId: string, query: HistoryQuery) {
    const { after, statuses, modes, createdFromMs, createdBeforeMs } = query;
    return (
      this.db
        .selectFrom('tasks')
        .where('client_id', '=', clientId)
        // `<=` alone bounds the index range (both engines start the scan there); the OR then
        // drops the few rows of the cursor's own instant that come before it.
        .$if(after !== undefined, (qb) =>
          qb
            .where('created_at_ms', '<=', after!.createdAtMs)
            .where((eb) => eb.or([eb('created_at_ms', '<', after!.createdAtMs), eb('id', '<', after!.taskId)])),
        )
        .$if(statuses !== undefined && statuses.length > 0, (qb) => qb.where('status', 'in', statuses!))
        .$if(modes !== undefined && modes.length > 0, (qb) => qb.where('mode', 'in', modes!))
        .$if(createdFromMs !== undefined, (qb) => qb.where('created_at_ms', '>=', createdFromMs!))
        .$if(createdBeforeMs !== undefined, (qb) => qb.where('created_at_ms', '<', createdBeforeMs!))
        .orderBy('created_at_ms', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit)
    );
  }
}

function positionOf(row: { id: string; created_at_ms: string | number }): HistoryPosition {
  return { createdAtMs: integerOf(row.created_at_ms, `tasks:${row.id}`), taskId: row.id };
}
