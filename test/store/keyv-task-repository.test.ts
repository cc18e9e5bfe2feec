import { Keyv } from 'keyv';
import { VideoTaskStatus } from '../../src/domain/task-status';
import { openKeyvStores } from '../../src/store/keyv-factory';
import { KeyvTaskRepository, TASK_NAMESPACES } from '../../src/store/keyv-task-repository';
import { sampleTask } from './fixtures/sample-task';

/**
 * Behaviour specific to the keyv implementation: the active index's crash ordering and its
 * self-repair. Backend-independent behaviour is in the contract suite.
 */

/** A Map-backed keyv adapter whose writes can be failed or held open by the test. */
class ControllableAdapter {
  readonly opts = {};
  namespace?: string;
  readonly map = new Map<string, unknown>();
  /** When set, `set`/`delete` of a key for which it returns true throws. */
  failWrite?: (key: string, op: 'set' | 'delete') => boolean;
  /** When set, `set` waits on it; `reachedSet` resolves when a set arrives. */
  holdSet?: Promise<void>;
  private reached?: () => void;
  private read?: () => void;
  reachedSet(): Promise<void> {
    return new Promise((resolve) => (this.reached = resolve));
  }
  /** Resolves when the next `get` has read the map. */
  readDone(): Promise<void> {
    return new Promise((resolve) => (this.read = resolve));
  }
  on(): this {
    return this;
  }
  async get(key: string): Promise<unknown> {
    const value = this.map.get(key);
    this.read?.();
    return value;
  }
  async set(key: string, value: unknown): Promise<void> {
    this.reached?.();
    if (this.holdSet) await this.holdSet;
    if (this.failWrite?.(key, 'set')) throw new Error(`injected failure: set ${key}`);
    this.map.set(key, value);
  }
  async delete(key: string): Promise<boolean> {
    if (this.failWrite?.(key, 'delete')) throw new Error(`injected failure: delete ${key}`);
    return this.map.delete(key);
  }
  async clear(): Promise<void> {
    this.map.clear();
  }
}

/** A repository whose task namespace is a {@link ControllableAdapter} and whose index is a real memory keyv. */
async function setUp() {
  const stores = await openKeyvStores({ kind: 'memory' }, [TASK_NAMESPACES.active]);
  const tasksAdapter = new ControllableAdapter();
  const tasks = new Keyv({ store: tasksAdapter, namespace: TASK_NAMESPACES.tasks, throwOnErrors: true });
  const active = stores.keyv.active_tasks;
  const repo = new KeyvTaskRepository({ tasks, active });
  const indexed = async (): Promise<string[]> => {
    const ids: string[] = [];
    for await (const [id] of active.iterator!(undefined) as AsyncIterable<[string]>) ids.push(id);
    return ids.sort();
  };
  return { repo, tasksAdapter, tasks, active, indexed };
}

describe('KeyvTaskRepository', () => {
  it('refuses an index namespace that cannot be enumerated', () => {
    const plain = new Keyv({ store: new ControllableAdapter() });
    expect(() => new KeyvTaskRepository({ tasks: plain, active: plain })).toThrow(/iterator/);
  });

  it('adds the index entry before writing a new task: a failed task write leaves only a harmless stale entry', async () => {
    const { repo, tasksAdapter, indexed } = await setUp();
    const task = sampleTask({ status: VideoTaskStatus.QUEUED });
    tasksAdapter.failWrite = () => true;
    await expect(repo.insert(task)).rejects.toThrow(/injected failure/);
    expect(await indexed()).toEqual([task.id]);

    expect(await repo.listActive()).toEqual([]);
    expect(await indexed()).toEqual([]); // repaired
  });

  it('removes the index entry only after the terminal task is written', async () => {
    const { repo, tasksAdapter, active, indexed } = await setUp();
    const task = sampleTask({ status: VideoTaskStatus.RUNNING });
    await repo.insert(task);

    // Task write fails: the task is still active and still indexed.
    tasksAdapter.failWrite = () => true;
    await expect(repo.update(task.id, (t) => ({ ...t, status: VideoTaskStatus.SUCCEEDED }))).rejects.toThrow(/injected/);
    tasksAdapter.failWrite = undefined;
    expect((await repo.get(task.id))?.status).toBe(VideoTaskStatus.RUNNING);
    expect(await repo.listActive()).toEqual([task.id]);

    // Index removal fails after the task write: the task is terminal, the entry is stale and ignored.
    const realDelete = active.delete.bind(active);
    active.delete = () => Promise.reject(new Error('injected failure: index delete'));
    await expect(repo.update(task.id, (t) => ({ ...t, status: VideoTaskStatus.SUCCEEDED }))).rejects.toThrow(/index delete/);
    active.delete = realDelete;
    expect((await repo.get(task.id))?.status).toBe(VideoTaskStatus.SUCCEEDED);
    expect(await indexed()).toEqual([task.id]);
    expect(await repo.listActive()).toEqual([]);
    expect(await indexed()).toEqual([]);
  });

  it('skips and deletes index entries of missing and terminal tasks left by an earlier process', async () => {
    const { repo, tasks, active, indexed } = await setUp();
    const live = sampleTask({ status: VideoTaskStatus.RUNNING });
    const finished = sampleTask({ status: VideoTaskStatus.FAILED });
    await repo.insert(live);
    await tasks.set(finished.id, finished);
    await active.set(finished.id, true);
    await active.set('vt_gone', true);
    expect(await indexed()).toEqual([live.id, finished.id, 'vt_gone'].sort());

    expect(await repo.listActive()).toEqual([live.id]);
    expect(await indexed()).toEqual([live.id]);
  });

  it('does not drop the index entry of an insert that is still writing its task', async () => {
    const { repo, tasksAdapter, indexed } = await setUp();
    const task = sampleTask({ status: VideoTaskStatus.QUEUED });
    let open!: () => void;
    tasksAdapter.holdSet = new Promise((resolve) => (open = resolve));
    const reached = tasksAdapter.reachedSet();
    const inserting = repo.insert(task);
    await reached; // the index entry is written, the task write is held open

    const read = tasksAdapter.readDone();
    const listing = repo.listActive();
    await read; // listActive has seen the entry without a task: it looks stale
    open();
    await inserting;
    await listing;
    // The re-check under the task's lock found the task and kept its entry.
    expect(await indexed()).toEqual([task.id]);
    expect(await repo.listActive()).toEqual([task.id]);
  });

  it('checks more index entries than one verification batch', async () => {
    const stores = await openKeyvStores({ kind: 'memory' }, [TASK_NAMESPACES.tasks, TASK_NAMESPACES.active]);
    const repo = new KeyvTaskRepository({ tasks: stores.keyv.tasks, active: stores.keyv.active_tasks });
    const all = Array.from({ length: 1_200 }, (_, i) => sampleTask({ status: i % 3 === 0 ? VideoTaskStatus.SUCCEEDED : VideoTaskStatus.RUNNING }));
    await Promise.all(all.map((t) => repo.insert(t)));
    const expected = all.filter((t) => t.status === VideoTaskStatus.RUNNING).map((t) => t.id);
    expect((await repo.listActive()).sort()).toEqual(expected.sort());
  });
});
