import { VideoTaskStatus } from '../../src/domain/task-status';
import type { VideoTask } from '../../src/domain/video-task';
import { DuplicateTaskError, type TaskRepository } from '../../src/store/task-repository';
import type { TestStore, TestStores } from '../support/test-stores';
import { sampleTask } from './fixtures/sample-task';

/** A generated video with only a URL and a size. */
const videoOf = (url: string, sizeBytes: number): VideoTask['videos'][number] => ({
  url,
  sizeBytes,
  jobId: null,
  durationSeconds: null,
  format: null,
  resolution: null,
  ratio: null,
  fps: null,
});

/**
 * The behaviour every {@link TaskRepository} must have. Each test gets a fresh, empty
 * store, so assertions on `listActive` can be exact.
 */
export function describeTaskRepositoryContract(stores: TestStores): void {
  describe(`TaskRepository contract: ${stores.engine}`, () => {
    let opened: TestStore;
    let repo: TaskRepository;

    beforeEach(async () => {
      opened = await stores.open();
      repo = opened.store.tasks;
    });

    it('returns an inserted task with every field intact, and undefined for unknown ids', async () => {
      const task = sampleTask();
      await repo.insert(task);
      expect(await repo.get(task.id)).toEqual(task);
      expect(await repo.get('vt_unknown')).toBeUndefined();
    });

    it('rejects a duplicate insert with DuplicateTaskError and keeps the original', async () => {
      const task = sampleTask();
      await repo.insert(task);
      const error = await repo.insert({ ...task, prompt: 'other' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DuplicateTaskError);
      expect((error as DuplicateTaskError).taskId).toBe(task.id);
      expect(await repo.get(task.id)).toEqual(task);
    });

    it('lets exactly one of two concurrent inserts of the same id win', async () => {
      const task = sampleTask();
      const results = await Promise.allSettled([
        repo.insert({ ...task, prompt: 'a' }),
        repo.insert({ ...task, prompt: 'b' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(DuplicateTaskError);
      const winner = results[0]?.status === 'fulfilled' ? 'a' : 'b';
      expect((await repo.get(task.id))?.prompt).toBe(winner);
    });

    it('stores the changed task with revision + 1 and returns exactly what is stored', async () => {
      const task = sampleTask({ revision: 7 });
      await repo.insert(task);
      const updated = await repo.update(task.id, (current) => ({
        ...current,
        status: VideoTaskStatus.RUNNING,
        updatedAt: '2025-01-01T00:00:05.000Z',
        revision: 999, // ignored: the repository owns the revision
      }));
      expect(updated).toEqual({
        ...task,
        status: VideoTaskStatus.RUNNING,
        updatedAt: '2025-01-01T00:00:05.000Z',
        revision: 8,
      });
      expect(await repo.get(task.id)).toEqual(updated);
    });

    it('hands change the current version', async () => {
      const task = sampleTask();
      await repo.insert(task);
      await repo.update(task.id, (current) => ({ ...current, prompt: 'first' }));
      const seen: VideoTask[] = [];
      await repo.update(task.id, (current) => {
        seen.push(current);
        return null;
      });
      expect(seen).toEqual([{ ...task, prompt: 'first', revision: 2 }]);
    });

    it('keeps the task and its revision when change returns null', async () => {
      const task = sampleTask({ revision: 3 });
      await repo.insert(task);
      const result = await repo.update(task.id, () => null);
      expect(result).toEqual(task);
      expect(await repo.get(task.id)).toEqual(task);
    });

    it('resolves to undefined for an unknown id without calling change', async () => {
      const change = jest.fn((current: VideoTask) => current);
      expect(await repo.update('vt_unknown', change)).toBeUndefined();
      expect(change).not.toHaveBeenCalled();
      expect(await repo.get('vt_unknown')).toBeUndefined();
    });

    it('rejects when change throws, writes nothing, and does not block later updates of the task', async () => {
      const task = sampleTask();
      await repo.insert(task);
      await expect(
        repo.update(task.id, () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await repo.get(task.id)).toEqual(task);
      expect((await repo.update(task.id, (current) => ({ ...current, prompt: 'after' })))?.revision).toBe(2);
    });

    it('rejects a change that returns a task with another id', async () => {
      const task = sampleTask();
      await repo.insert(task);
      await expect(repo.update(task.id, (current) => ({ ...current, id: 'vt_other' }))).rejects.toThrow(/id/);
      expect(await repo.get(task.id)).toEqual(task);
      expect(await repo.get('vt_other')).toBeUndefined();
    });

    it('lists exactly the non-terminal tasks and follows status changes', async () => {
      const queued = sampleTask({ status: VideoTaskStatus.QUEUED });
      const running = sampleTask({ status: VideoTaskStatus.RUNNING });
      const done = sampleTask({ status: VideoTaskStatus.SUCCEEDED });
      await Promise.all([repo.insert(queued), repo.insert(running), repo.insert(done)]);
      expect((await repo.listActive()).sort()).toEqual([queued.id, running.id].sort());

      await repo.update(queued.id, (t) => ({ ...t, status: VideoTaskStatus.RUNNING }));
      expect((await repo.listActive()).sort()).toEqual([queued.id, running.id].sort());

      await repo.update(queued.id, (t) => ({ ...t, status: VideoTaskStatus.FAILED }));
      await repo.update(running.id, (t) => ({ ...t, status: VideoTaskStatus.EXPIRED }));
      expect(await repo.listActive()).toEqual([]);

      // The repository does not judge transitions (the domain does); the index still follows.
      await repo.update(done.id, (t) => ({ ...t, status: VideoTaskStatus.RUNNING }));
      expect(await repo.listActive()).toEqual([done.id]);
    });

    it('lists tasks by unfinished status, following status changes', async () => {
      const submitting = sampleTask({ status: VideoTaskStatus.SUBMITTING, upstreamTaskId: null });
      const unknown = sampleTask({ status: VideoTaskStatus.OUTCOME_UNKNOWN, upstreamTaskId: null });
      const queued = sampleTask();
      const done = sampleTask({ status: VideoTaskStatus.SUCCEEDED });
      for (const task of [submitting, unknown, queued, done]) await repo.insert(task);
      expect(await repo.listByStatus([VideoTaskStatus.OUTCOME_UNKNOWN])).toEqual([unknown]);
      const both = await repo.listByStatus([VideoTaskStatus.SUBMITTING, VideoTaskStatus.OUTCOME_UNKNOWN]);
      expect(both.map((t) => t.id).sort()).toEqual([submitting.id, unknown.id].sort());
      await repo.update(unknown.id, (t) => ({ ...t, status: VideoTaskStatus.QUEUED, upstreamTaskId: 'cgt-adopted' }));
      expect(await repo.listByStatus([VideoTaskStatus.OUTCOME_UNKNOWN])).toEqual([]);
    });

    it('deletes only a SUBMITTING task, which then is gone from get and the active list', async () => {
      const submitting = sampleTask({ status: VideoTaskStatus.SUBMITTING, upstreamTaskId: null });
      const unknown = sampleTask({ status: VideoTaskStatus.OUTCOME_UNKNOWN, upstreamTaskId: null });
      await repo.insert(submitting);
      await repo.insert(unknown);
      expect(await repo.delete(submitting.id)).toBe(true);
      expect(await repo.get(submitting.id)).toBeUndefined();
      expect(await repo.listActive()).toEqual([unknown.id]);
      expect(await repo.delete(submitting.id)).toBe(false);
      await expect(repo.delete(unknown.id)).rejects.toThrow(/only a SUBMITTING task/);
      expect(await repo.get(unknown.id)).toEqual(unknown);
    });

    it('applies 50 concurrent updates of one task without losing any', async () => {
      const task = sampleTask({ videos: [], revision: 1 });
      await repo.insert(task);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          repo.update(task.id, (current) => ({
            ...current,
            videos: [...current.videos, videoOf(`https://cdn.example.com/${i}.mp4`, i)],
          })),
        ),
      );
      const stored = await repo.get(task.id);
      expect(stored?.revision).toBe(51);
      expect(stored?.videos.map((v) => v.sizeBytes).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
        Array.from({ length: 50 }, (_, i) => i),
      );
      // Each update saw its predecessor: revisions 2..51, each exactly once.
      expect(results.map((r) => r?.revision).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 2),
      );
    });

    it('updates different tasks independently when interleaved', async () => {
      const tasks = Array.from({ length: 5 }, () => sampleTask({ revision: 1 }));
      await Promise.all(tasks.map((t) => repo.insert(t)));
      await Promise.all(
        tasks.flatMap((t) =>
          Array.from({ length: 10 }, () => repo.update(t.id, (c) => ({ ...c, prompt: `${c.prompt ?? ''}+` }))),
        ),
      );
      for (const t of tasks) {
        const stored = await repo.get(t.id);
        expect(stored?.revision).toBe(11);
        expect(stored?.prompt).toBe(`${t.prompt ?? ''}${'+'.repeat(10)}`);
      }
    });

    it('records a quiet read (markSynced) without a new revision, whatever the prompt holds; not on finished tasks', async () => {
      // NUL and a lone surrogate: PostgreSQL's jsonb refuses both, so the write must not go through it.
      const task = sampleTask({ prompt: 'a fox\u0000 in snow \ud800', syncedAt: null });
      await repo.insert(task);
      await repo.markSynced(task.id, '2026-12-06T10:00:00.000Z');
      expect(await repo.get(task.id)).toEqual({ ...task, syncedAt: '2026-12-06T10:00:00.000Z' });

      const finished = sampleTask({ status: VideoTaskStatus.SUCCEEDED, syncedAt: null });
      await repo.insert(finished);
      await repo.markSynced(finished.id, '2026-12-06T10:00:00.000Z');
      expect(await repo.get(finished.id)).toEqual(finished);
      await repo.markSynced('vt_unknown', '2026-12-06T10:00:00.000Z');
      expect(await repo.get('vt_unknown')).toBeUndefined();
    });

    it('hands out copies: no caller object aliases stored state', async () => {
      const task = sampleTask();
      await repo.insert(task);
      const pristine = structuredClone(task);

      task.prompt = 'mutated after insert';
      task.images[0]!.width = 1;
      expect(await repo.get(task.id)).toEqual(pristine);

      const got = (await repo.get(task.id))!;
      got.status = VideoTaskStatus.FAILED;
      got.options.seed = 42;
      expect(await repo.get(task.id)).toEqual(pristine);

      // Mutating the version handed to change and then declining to change anything stores nothing...
      const unchanged = await repo.update(task.id, (current) => {
        current.prompt = 'mutated in change';
        current.videos.length = 0;
        return null;
      });
      expect(unchanged).toEqual(pristine);
      expect(await repo.get(task.id)).toEqual(pristine);

      // ...and neither the object change returned nor the result of update is the stored state.
      let returned: VideoTask | undefined;
      const updated = (await repo.update(task.id, (current) => (returned = { ...current, prompt: 'v2' })))!;
      returned!.prompt = 'mutated after update';
      updated.usage!.costUsd = '999';
      expect(await repo.get(task.id)).toEqual({ ...pristine, prompt: 'v2', revision: 2 });
    });

    if (stores.engine === 'postgres') {
      it('never loses or duplicates a change when two store instances (replicas) update one task at once', async () => {
        const other = (await opened.openAgain!()).tasks;
        const task = sampleTask({ videos: [], revision: 1 });
        const results = await Promise.allSettled([
          repo.insert({ ...task, prompt: 'a' }),
          other.insert({ ...task, prompt: 'b' }),
        ]);
        expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([
          expect.any(DuplicateTaskError),
        ]);
        const updates = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            (i % 2 ? other : repo).update(task.id, (current) => ({
              ...current,
              videos: [...current.videos, videoOf(`u${i}`, i)],
            })),
          ),
        );
        expect(updates.map((u) => u?.revision).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
          Array.from({ length: 40 }, (_, i) => i + 2),
        );
        const stored = await other.get(task.id);
        expect(stored?.revision).toBe(41);
        expect(stored?.videos.map((v) => v.url).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `u${i}`).sort());
      });
    }

    // Persistent engines only: nothing of a memory store outlives its close, by design.
    if (stores.persistent) {
      it('keeps tasks and the active index across a reopen', async () => {
        const active = sampleTask({ status: VideoTaskStatus.RUNNING });
        const finished = sampleTask({ status: VideoTaskStatus.QUEUED });
        await repo.insert(active);
        await repo.insert(finished);
        const finishedStored = await repo.update(finished.id, (t) => ({
          ...t,
          status: VideoTaskStatus.SUCCEEDED,
          finishedAt: '2025-01-01T00:01:00.000Z',
        }));
        await opened.store.close();

        const again = (await opened.openAgain!()).tasks;
        expect(await again.get(active.id)).toEqual(active);
        expect(await again.get(finished.id)).toEqual(finishedStored);
        expect(await again.listActive()).toEqual([active.id]);
        // Revisions continue from the stored value.
        expect((await again.update(active.id, (t) => ({ ...t, prompt: 'resumed' })))?.revision).toBe(
          active.revision + 1,
        );
      });
    }
  });
}
