import { useEffect, useRef, useState } from 'react';
import type { GatewayApi } from './api';
import { TaskUpdatedDocument, type TaskFieldsFragment, type VideoTaskStatus } from './gql/graphql';

const FINAL: readonly VideoTaskStatus[] = ['SUCCEEDED', 'FAILED', 'EXPIRED'];

/** Whether a status is final (no more updates follow). */
export function isFinal(status: VideoTaskStatus): boolean {
  return FINAL.includes(status);
}

/** Seconds from `since` to now, shown while a task runs. */
function useElapsedSeconds(since: string, running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return Math.max(0, Math.round((now - Date.parse(since)) / 1000));
}

/**
 * One task, live: `videoTaskUpdated` sends its current state, then each change, and completes
 * once it is final. The video plays in a <video>, the last frame shows beside it.
 */
export function TaskPanel({
  api,
  initial,
  onFinal,
}: {
  api: GatewayApi;
  initial: TaskFieldsFragment;
  onFinal: () => void;
}) {
  const [task, setTask] = useState(initial);
  const [live, setLive] = useState<'connecting' | 'live' | 'ended' | 'error'>('connecting');
  const [problem, setProblem] = useState<string>();
  // Read through a ref: a new `onFinal` each render must not restart the subscription.
  const finalRef = useRef(onFinal);
  finalRef.current = onFinal;

  useEffect(() => {
    setTask(initial);
    setLive('connecting');
    setProblem(undefined);
    return api.subscribe(
      TaskUpdatedDocument,
      { id: initial.id },
      {
        next: ({ videoTaskUpdated }) => {
          setLive('live');
          setTask(videoTaskUpdated);
          if (isFinal(videoTaskUpdated.status)) finalRef.current();
        },
        error: (error) => {
          setLive('error');
          setProblem(error.message);
        },
        complete: () => setLive('ended'),
      },
    );
  }, [api, initial]);

  const elapsed = useElapsedSeconds(task.createdAt, !isFinal(task.status));
  const video = task.videos[0];
  return (
    <section className="card task" aria-label="Current task" data-task-id={task.id}>
      <h2>
        Task <code>{task.id}</code>
      </h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <span className={`status ${task.status.toLowerCase()}`} data-testid="task-status">
            {task.status}
          </span>
        </dd>
        <dt>Revision</dt>
        <dd data-testid="task-revision">{task.revision}</dd>
        <dt>{isFinal(task.status) ? 'Took' : 'Elapsed'}</dt>
        <dd>
          {task.finishedAt ? Math.round((Date.parse(task.finishedAt) - Date.parse(task.createdAt)) / 1000) : elapsed} s
        </dd>
        <dt>Expires</dt>
        <dd>{isFinal(task.status) ? '—' : new Date(task.expiresAt).toLocaleString()}</dd>
        <dt>Mode</dt>
        <dd>
          {task.mode} · {task.options.resolution} · {task.options.durationSeconds} s
        </dd>
        {task.usage && (
          <>
            <dt>Cost</dt>
            <dd>
              ${task.usage.costUsd} · {task.usage.totalTokens.toLocaleString()} tokens
            </dd>
          </>
        )}
        <dt>Updates</dt>
        <dd className={`live ${live}`}>{live}</dd>
      </dl>
      {task.prompt && <p className="prompt">“{task.prompt}”</p>}
      {task.error && (
        <p className="issue" role="alert">
          {task.error.code}: {task.error.message}
        </p>
      )}
      {problem && (
        <p className="issue" role="alert">
          {problem}
        </p>
      )}
      {video && (
        <div className="media">
          <figure>
            <video src={video.url} controls autoPlay muted loop playsInline data-testid="task-video" />
            <figcaption>Video</figcaption>
          </figure>
          {task.lastFrameUrl && (
            <figure>
              <img src={task.lastFrameUrl} alt="Last frame of the video" data-testid="task-last-frame" />
              <figcaption>Last frame</figcaption>
            </figure>
          )}
        </div>
      )}
    </section>
  );
}
