import type { GenerationMode } from '../domain/generation-mode';
import type { VideoTaskStatus } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import type { HistoryEntry, HistoryWalk, TaskHistoryIndex } from '../store/task-history-index';
import { decodeHistoryCursor, encodeHistoryCursor } from './history-cursor';
import { InvalidQueryError } from './query-errors';

/** Largest `first` a page may ask for. */
export const MAX_PAGE_SIZE = 100;
/** `first` when the caller gives none. */
export const DEFAULT_PAGE_SIZE = 20;

/** Which tasks a page lists; every part is optional, an empty list means "any". */
export interface TaskHistoryFilter {
  statuses?: readonly VideoTaskStatus[] | null;
  modes?: readonly GenerationMode[] | null;
  /** Created at or after (inclusive). */
  createdAfter?: Date | null;
  /** Created strictly before (exclusive). */
  createdBefore?: Date | null;
}

/** A page request: Relay's forward pagination. */
export interface TaskHistoryPageRequest {
  first?: number | null;
  after?: string | null;
  filter?: TaskHistoryFilter | null;
}

/** One task of a page with the cursor of its position. */
export interface TaskHistoryEdge {
  cursor: string;
  node: VideoTask;
}

/** A page of a client's history, newest first. */
export interface TaskHistoryPage {
  edges: TaskHistoryEdge[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Collaborators of {@link TaskHistoryService}. */
export interface TaskHistoryServiceDeps {
  history: Pick<TaskHistoryIndex, 'newestFirst'>;
  tasks: { getMany(ids: readonly string[]): Promise<Array<VideoTask | undefined>> };
}

/**
 * A client's tasks, newest first, in pages (`videoTasks`). Reads the client's history index
 * and then only the tasks of the page, so a page costs the same with ten tasks in the store or
 * ten million. Each edge's cursor is its position in the history; a page after a cursor lists
 * the tasks strictly older than it, so tasks created while a client pages (always newer) can
 * neither shift a page nor be listed twice, and none is skipped.
 */
export class TaskHistoryService {
  constructor(private readonly deps: TaskHistoryServiceDeps) {}

  /**
   * A page of `clientId`'s tasks.
   * @throws InvalidQueryError for `first` outside 0..{@link MAX_PAGE_SIZE}, a cursor this
   *   gateway did not issue, or a filter whose createdBefore is not after its createdAfter
   */
  async page(clientId: string, request: TaskHistoryPageRequest): Promise<TaskHistoryPage> {
    const first = request.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
      throw new InvalidQueryError(`first must be between 0 and ${MAX_PAGE_SIZE} (got ${first})`, 'first');
    }
    const walk = this.walkFor(request);
    const statuses = walk.statuses;
    const modes = walk.modes;

    // One more than asked, to know whether there is a next page.
    const wanted = first + 1;
    const found: Array<{ entry: HistoryEntry; task: VideoTask }> = [];
    const entries = this.deps.history.newestFirst(clientId, walk);
    try {
      for (;;) {
        const batch: HistoryEntry[] = [];
        while (batch.length < wanted - found.length) {
          const next = await entries.next();
          if (next.done) break;
          batch.push(next.value);
        }
        if (batch.length === 0) break;
        const tasks = await this.deps.tasks.getMany(batch.map((entry) => entry.taskId));
        batch.forEach((entry, i) => {
          const task = tasks[i];
          // The task is the truth: skip an entry whose task is not (yet) stored, and one whose
          // status moved past the filter since the index was read.
          if (!task || task.clientId !== clientId) return;
          if (statuses && !statuses.has(task.status)) return;
          if (modes && !modes.has(task.mode)) return;
          found.push({ entry, task });
        });
        if (found.length >= wanted) break;
      }
    } finally {
      await entries.return(undefined);
    }

    const edges = found.slice(0, first).map(({ entry, task }) => ({ cursor: encodeHistoryCursor(entry), node: task }));
    return { edges, pageInfo: { hasNextPage: found.length > first, endCursor: edges[edges.length - 1]?.cursor ?? null } };
  }

  private walkFor(request: TaskHistoryPageRequest): HistoryWalk {
    const walk: HistoryWalk = {};
    if (request.after !== undefined && request.after !== null) {
      const key = decodeHistoryCursor(request.after);
      if (!key) throw new InvalidQueryError('after is not a cursor from a videoTasks page', 'after');
      walk.before = key;
    }
    const filter = request.filter;
    if (!filter) return walk;
    if (filter.statuses && filter.statuses.length > 0) walk.statuses = new Set(filter.statuses);
    if (filter.modes && filter.modes.length > 0) walk.modes = new Set(filter.modes);
    if (filter.createdAfter) walk.createdFromMs = filter.createdAfter.getTime();
    if (filter.createdBefore) walk.createdBeforeMs = filter.createdBefore.getTime();
    if (walk.createdFromMs !== undefined && walk.createdBeforeMs !== undefined && walk.createdBeforeMs <= walk.createdFromMs) {
      throw new InvalidQueryError('filter.createdBefore must be later than filter.createdAfter', 'filter');
    }
    return walk;
  }
}
