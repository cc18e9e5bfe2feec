import { useEffect, useState } from 'react';
import type { GatewayApi } from './api';
import { TaskHistoryDocument, type TaskFieldsFragment, type TaskHistoryQuery } from './gql/graphql';

/** Tasks per history page. */
export const HISTORY_PAGE_SIZE = 5;

type Page = TaskHistoryQuery['videoTasks'];

/**
 * The caller's tasks, newest first, a page at a time (`videoTasks` cursors). `refresh` changing
 * reloads the first page; the cursors of the pages before the current one allow going back.
 */
export function HistoryTable({
  api,
  refresh,
  onOpen,
}: {
  api: GatewayApi;
  refresh: number;
  onOpen: (task: TaskFieldsFragment) => void;
}) {
  // `after` of each page shown so far: [null] is the first page.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [page, setPage] = useState<Page>();
  const [problem, setProblem] = useState<string>();
  const after = cursors[cursors.length - 1] ?? null;

  useEffect(() => setCursors([null]), [refresh, api]);
  useEffect(() => {
    let current = true;
    api.request(TaskHistoryDocument, { first: HISTORY_PAGE_SIZE, after }).then(
      (result) => {
        if (!current) return;
        setPage(result.videoTasks);
        setProblem(undefined);
      },
      (error: unknown) => current && setProblem(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      current = false;
    };
  }, [api, after, refresh]);

  const next = page?.pageInfo.endCursor;
  return (
    <section className="card history" aria-label="History">
      <h2>
        History <small>page {cursors.length}</small>
      </h2>
      {problem && (
        <p className="issue" role="alert">
          {problem}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>Created</th>
            <th>Mode</th>
            <th>Status</th>
            <th>Prompt</th>
            <th>Cost</th>
          </tr>
        </thead>
        <tbody>
          {page?.edges.map(({ node }) => (
            <tr key={node.id} data-task-id={node.id} onClick={() => onOpen(node)} title="Show this task">
              <td>{new Date(node.createdAt).toLocaleString()}</td>
              <td>{node.mode.toLowerCase().replaceAll('_', ' ')}</td>
              <td>
                <span className={`status ${node.status.toLowerCase()}`}>{node.status}</span>
              </td>
              <td className="prompt-cell">{node.prompt ?? '—'}</td>
              <td>{node.usage ? `$${node.usage.costUsd}` : '—'}</td>
            </tr>
          ))}
          {page?.edges.length === 0 && (
            <tr>
              <td colSpan={5}>No tasks yet.</td>
            </tr>
          )}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous
        </button>
        <button
          type="button"
          disabled={!page?.pageInfo.hasNextPage || !next}
          onClick={() => next && setCursors([...cursors, next])}
        >
          Next
        </button>
      </div>
    </section>
  );
}
