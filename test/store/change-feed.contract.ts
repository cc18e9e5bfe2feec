import { VideoTaskStatus } from '../../src/domain/task-status';
import type { VideoTask } from '../../src/domain/video-task';
import type { GatewayStore } from '../../src/store/open-store';
import type { TaskChangeFeed } from '../../src/store/task-change-feed';
import type { TestStore, TestStores } from '../support/test-stores';
import { observe, observeRunning, submittedTask } from '../support/usage-fixtures';
import { waitFor } from '../support/wait-for';

const T0 = Date.parse('2026-05-03T08:00:00.000Z');

/** What a subscriber heard: (task id, revision) pairs in arrival order, and the last task seen per id. */
function record(feed: TaskChangeFeed) {
  const heard: Array<[string, number]> = [];
  const last = new Map<string, VideoTask>();
  const unsubscribe = feed.subscribe((task) => {
    heard.push([task.id, task.revision]);
    last.set(task.id, task);
  });
  return { heard, last, unsubscribe };
}

/** Waits until `heard` holds `count` changes (the PostgreSQL feed delivers asynchronously, after commit). */
const heardAtLeast = (heard: ReadonlyArray<[string, number]>, count: number) =>
  waitFor(
    () => heard.length,
    (n) => n >= count,
    { what: `${count} changes`, timeoutMs: 5_000 },
  );

/** Revisions heard per task, in arrival order. */
function revisionsByTask(heard: ReadonlyArray<[string, number]>): Map<string, number[]> {
  const byTask = new Map<string, number[]>();
  for (const [id, revision] of heard) byTask.set(id, [...(byTask.get(id) ?? []), revision]);
  return byTask;
}

/** Writes a task and moves it through running to succeeded: revisions 1, 2, 3. */
async function lifecycle(store: GatewayStore, id: string, prompt?: string): Promise<void> {
  await store.tasks.insert({
    ...submittedTask({ id, clientId: 'alice', createdAtMs: T0 }),
    ...(prompt ? { prompt } : {}),
  });
  await store.tasks.update(id, observeRunning(T0 + 1_000));
  await store.tasks.update(id, observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' }, T0 + 2_000));
}

/** The change feed (`store.changes`): every committed change, to every subscriber of every replica. */
export function describeChangeFeedContract(stores: TestStores): void {
  describe(`change feed contract: ${stores.engine}`, () => {
    let opened: TestStore;
    let store: GatewayStore;
    beforeEach(async () => {
      opened = await stores.open();
      store = opened.store;
    });

    it('delivers each committed change once, in revision order, and nothing after unsubscribe', async () => {
      const { heard, last, unsubscribe } = record(store.changes);
      await lifecycle(store, 'vt_1');
      // Writes that change nothing or fail deliver nothing.
      await store.tasks.update('vt_1', () => null);
      await expect(
        store.tasks.update('vt_1', () => {
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      await heardAtLeast(heard, 3);
      await store.tasks.insert(submittedTask({ id: 'vt_2', clientId: 'alice', createdAtMs: T0 }));
      await heardAtLeast(heard, 4);
      expect(heard).toEqual([
        ['vt_1', 1],
        ['vt_1', 2],
        ['vt_1', 3],
        ['vt_2', 1],
      ]);
      expect(last.get('vt_1')).toEqual(await store.tasks.get('vt_1'));

      unsubscribe();
      const { heard: control } = record(store.changes);
      await store.tasks.update('vt_2', observeRunning(T0 + 1_000));
      await heardAtLeast(control, 1);
      expect(heard).toHaveLength(4);
    });

    it('delivers concurrent changes of many tasks in revision order per task, without duplicates', async () => {
      const { heard } = record(store.changes);
      const ids = Array.from({ length: 10 }, (_, i) => `vt_${i}`);
      await Promise.all(ids.map((id) => lifecycle(store, id)));
      await heardAtLeast(heard, 30);
      expect(revisionsByTask(heard)).toEqual(new Map(ids.map((id) => [id, [1, 2, 3]])));
    });

    it('delivers a task too large for one notification whole, its revisions in order', async () => {
      const { last, heard } = record(store.changes);
      const prompt = 'ö'.repeat(6_000); // 12,000 bytes of UTF-8: past PostgreSQL's NOTIFY payload limit
      await lifecycle(store, 'vt_big', prompt);
      // PostgreSQL announces such a task by reference and reads it back: a reader may find a newer
      // revision already stored, so intermediate ones may be skipped (the feed promises at most once).
      await waitFor(
        () => last.get('vt_big')?.revision,
        (revision) => revision === 3,
        { what: 'revision 3', timeoutMs: 5_000 },
      );
      const revisions = heard.map(([, revision]) => revision);
      expect(revisions).toEqual([...new Set(revisions)].sort());
      expect(last.get('vt_big')?.prompt).toBe(prompt);
      expect(last.get('vt_big')).toEqual(await store.tasks.get('vt_big'));
    });

    it("passes refresh requests to this instance's listeners", async () => {
      const requested: string[] = [];
      store.changes.onRefreshRequest((id) => requested.push(id));
      await store.changes.requestRefresh('vt_1');
      await waitFor(
        () => requested,
        (ids) => ids.length >= 1,
        { what: 'the refresh request', timeoutMs: 5_000 },
      );
      expect(requested).toEqual(['vt_1']);
    });

    if (stores.engine === 'postgres') {
      describe('across two store instances on one database (replicas)', () => {
        let other: GatewayStore;
        beforeEach(async () => {
          other = await opened.openAgain!();
        });

        it("delivers every change written through one instance to the other's subscribers, in order, once", async () => {
          const here = record(store.changes);
          const there = record(other.changes);
          const ids = Array.from({ length: 12 }, (_, i) => `vt_${i}`);
          // Half written here, half there, all at once.
          await Promise.all(ids.map((id, i) => lifecycle(i % 2 ? other : store, id)));
          await heardAtLeast(here.heard, 36);
          await heardAtLeast(there.heard, 36);
          const expected = new Map(ids.map((id) => [id, [1, 2, 3]]));
          expect(revisionsByTask(here.heard)).toEqual(expected);
          expect(revisionsByTask(there.heard)).toEqual(expected);
          // Both replicas hear one commit order.
          expect(there.heard).toEqual(here.heard);
          for (const id of ids) expect(there.last.get(id)).toEqual(await store.tasks.get(id));
        });

        it('reconnects a listening connection that broke, and delivers the changes after it', async () => {
          const there = record(other.changes);
          const listeners = async () =>
            (
              await store.postgresPool!.query<{ pid: number }>(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()",
              )
            ).rows.map((row) => row.pid);
          // One per store instance (those of earlier tests' closed stores may take a moment to go).
          const before = await waitFor(listeners, (pids) => pids.length === 2, {
            what: 'two listening connections',
            timeoutMs: 5_000,
          });
          await store.postgresPool!.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
          const after = await waitFor(
            listeners,
            (pids) => pids.length === 2 && pids.every((pid) => !before.includes(pid)),
            {
              what: 'both listening connections to be reopened',
              timeoutMs: 10_000,
            },
          );
          expect(after).toHaveLength(2);
          await lifecycle(store, 'vt_after_reconnect');
          await heardAtLeast(there.heard, 3);
          expect(there.heard).toEqual([
            ['vt_after_reconnect', 1],
            ['vt_after_reconnect', 2],
            ['vt_after_reconnect', 3],
          ]);
        });

        it('sends a refresh request to every instance', async () => {
          const heardHere: string[] = [];
          const heardThere: string[] = [];
          store.changes.onRefreshRequest((id) => heardHere.push(id));
          other.changes.onRefreshRequest((id) => heardThere.push(id));
          await other.changes.requestRefresh('vt_7');
          await waitFor(
            () => heardHere.length + heardThere.length,
            (n) => n >= 2,
            { what: 'both instances', timeoutMs: 5_000 },
          );
          expect(heardHere).toEqual(['vt_7']);
          expect(heardThere).toEqual(['vt_7']);
        });
      });
    }
  });
}
