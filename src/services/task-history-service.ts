import type { GenerationMode } from '../domain/generation-mode';
import type { VideoTaskStatus } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import type { HistoryQuery, TaskHistoryQueries } from '../store/task-history-queries';
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
  history: Pick<TaskHistoryQueries, 'page'>;
}

/**
 * A client's tasks, newest first, in pages (`videoTasks`): one indexed SQL range read per
 * page, whatever the size of the store. Each edge's cursor is its position (creation time, id);
 * a page after a cursor lists the tasks strictly older than it, so tasks created while a client
 * pages (always newer) can neither shift a page nor be listed twice, and none is skipped.
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
    // One more than asked, to know whether there is a next page.
    const rows = await this.deps.history.page(clientId, { ...this.queryFor(request), limit: first + 1 });
    const edges = rows.slice(0, first).map((row) => ({ cursor: encodeHistoryCursor(row.position), node: row.task }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges[edges.length - 1]?.cursor ?? null },
    };
  }

  private queryFor(request: TaskHistoryPageRequest): Omit<HistoryQuery, 'limit'> {
    const query: Omit<HistoryQuery, 'limit'> = {};
    if (request.after !== undefined && request.after !== null) {
      const position = decodeHistoryCursor(request.after);
      if (!position) throw new InvalidQueryError('after is not a cursor from a videoTasks page', 'after');
      query.after = position;
    }
    const filter = request.filter;
    if (!filter) return query;
    if (filter.statuses && filter.statuses.length > 0) query.statuses = filter.statuses;
    if (filter.modes && filter.modes.length > 0) query.modes = filter.modes;
    if (filter.createdAfter) query.createdFromMs = filter.createdAfter.getTime();
    if (filter.createdBefore) query.createdBeforeMs = filter.createdBefore.getTime();
    if (
      query.createdFromMs !== undefined &&
      query.createdBeforeMs !== undefined &&
      query.createdBeforeMs <= query.createdFromMs
    ) {
      throw new InvalidQueryError('filter.createdBefore must be later than filter.createdAfter', 'filter');
    }
    return query;
  }
}
