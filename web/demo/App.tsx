import { useEffect, useMemo, useState } from 'react';
import { GatewayApi } from './api';
import type { TaskFieldsFragment } from './gql/graphql';
import { HistoryTable } from './HistoryTable';
import { SubmitForm } from './SubmitForm';
import { TaskPanel } from './TaskPanel';
import { UsageChart } from './UsageChart';

const KEY_STORAGE = 'spark-dance-demo.key';

/**
 * The demo: a key, the submission form, the task being watched, history and usage. Submitting or
 * finishing a task refreshes history and usage.
 */
export function App() {
  const [key, setKey] = useState(() => localStorage.getItem(KEY_STORAGE) ?? '');
  const api = useMemo(() => new GatewayApi(location.origin, key.trim()), [key]);
  const [task, setTask] = useState<TaskFieldsFragment>();
  const [refresh, setRefresh] = useState(0);
  const bump = () => setRefresh((n) => n + 1);

  useEffect(() => () => api.close(), [api]);
  useEffect(() => localStorage.setItem(KEY_STORAGE, key), [key]);

  return (
    <>
      <header>
        <h1>
          Spark Dance <span>demo</span>
        </h1>
        <form className="key" onSubmit={(e) => e.preventDefault()}>
          <label>
            API key{' '}
            <input
              type="password"
              name="apiKey"
              value={key}
              onChange={(e) => setKey(e.target.value)}
              placeholder="none (open development gateway)"
              autoComplete="off"
            />
          </label>
        </form>
        <nav>
          <a href="/graphql">GraphiQL</a>
        </nav>
      </header>
      <main>
        <div className="column">
          <SubmitForm
            api={api}
            onSubmitted={(submitted) => {
              setTask(submitted);
              bump();
            }}
          />
          <UsageChart api={api} refresh={refresh} />
        </div>
        <div className="column">
          {task ? (
            <TaskPanel api={api} initial={task} onFinal={bump} />
          ) : (
            <section className="card empty">Submit a video or pick one from the history.</section>
          )}
          <HistoryTable api={api} refresh={refresh} onOpen={setTask} />
        </div>
      </main>
    </>
  );
}
