import { GenerationMode } from '../../src/domain/generation-mode';
import { VideoResolution } from '../../src/domain/generation-options';
import { VideoTaskStatus } from '../../src/domain/task-status';
import { UsageDimension, usageGroupKey } from '../../src/domain/usage-dimension';
import { UsageTally, type UsageSums } from '../../src/domain/usage-tally';
import type { VideoTask } from '../../src/domain/video-task';
import type { GatewayStore } from '../../src/store/open-store';
import type { UsageSumsQuery } from '../../src/store/usage-queries';
import type { TestStores } from '../support/test-stores';
import { AWKWARD_COSTS, observe, pick, prng, submittedTask, type Outcome } from '../support/usage-fixtures';

const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The rows of a sums query added up per group (a query may return a group in several rows: rollups and edges). */
async function sumsByGroup(store: GatewayStore, query: UsageSumsQuery): Promise<Map<string, UsageSums>> {
  const tallies = new Map<string, UsageTally>();
  for (const row of await store.usage.sums(query)) {
    const key = usageGroupKey(row.group);
    if (!tallies.has(key)) tallies.set(key, new UsageTally());
    tallies.get(key)!.addSums(row.sums);
  }
  return new Map([...tallies].map(([key, tally]) => [key, tally.toSums()]));
}

/** A write outside the domain's state machine (the repository contract allows it): the task is running again. */
const reopen = (task: VideoTask): VideoTask => ({
  ...task,
  status: VideoTaskStatus.RUNNING,
  finishedAt: null,
  usage: null,
  error: null,
});

/** Stores a task of `clientId` created at `createdAtMs` and, when `outcome` is given, finishes it. */
async function taskOf(
  store: GatewayStore,
  id: string,
  clientId: string,
  createdAtMs: number,
  outcome?: Outcome,
  resolution?: VideoResolution,
) {
  await store.tasks.insert(
    submittedTask({ id, clientId, createdAtMs, resolution, mode: GenerationMode.TEXT_TO_VIDEO }),
  );
  if (outcome) await store.tasks.update(id, observe(outcome, createdAtMs + 1_000));
}

/** The grouped usage queries (`store.usage`): exact money on every engine, each finished task once. */
export function describeUsageQueriesContract(stores: TestStores): void {
  describe(`usage queries contract: ${stores.engine}`, () => {
    let store: GatewayStore;
    beforeEach(async () => {
      store = (await stores.open()).store;
    });

    const totalOf = async (clientId?: string) => {
      const rows = await store.usage.sums({ fromMs: T0, toMs: T0 + 30 * DAY, clientId, groupBy: [] });
      expect(rows.length).toBeLessThanOrEqual(1);
      return rows[0]?.sums;
    };

    it('sums awkward decimals exactly in nano-USD', async () => {
      const costs = ['1.23456789', '0.000001', '0.1', '0.2', '0.000000001', '12.5'];
      for (const [i, cost] of costs.entries()) {
        await taskOf(store, `vt_${i}`, 'alice', T0 + i, {
          status: VideoTaskStatus.SUCCEEDED,
          costUsd: cost,
          discountUsd: '0.0125',
        });
      }
      expect(await totalOf('alice')).toMatchObject({
        tasks: 6,
        succeeded: 6,
        costUsd: '14.034568891',
        discountUsd: '0.075',
      });
    });

    it('reads back sums beyond 2^53 nano-USD exactly', async () => {
      // Three tasks of 5,000,000.123456789 USD: 15,000,000.370370367 USD = 1.5e16 nano-USD, past 2^53 (9.007e15).
      for (let i = 0; i < 3; i += 1) {
        await taskOf(store, `vt_${i}`, 'alice', T0 + i, {
          status: VideoTaskStatus.SUCCEEDED,
          costUsd: '5000000.123456789',
          discountUsd: '3000000.000000001',
        });
      }
      expect(await totalOf()).toMatchObject({
        tasks: 3,
        costUsd: '15000000.370370367',
        discountUsd: '9000000.000000003',
      });
      // The same from the tasks (a range shorter than an hour is not read from the rollups).
      const [fromTasks] = await store.usage.sums({ fromMs: T0, toMs: T0 + HOUR - 1, groupBy: [] });
      expect(fromTasks?.sums).toMatchObject({
        tasks: 3,
        costUsd: '15000000.370370367',
        discountUsd: '9000000.000000003',
      });
    });

    it('counts each finished task once however often its end is observed, and unfinished ones as submitted only', async () => {
      await taskOf(store, 'vt_1', 'alice', T0, { status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' });
      for (const outcome of [
        { status: VideoTaskStatus.SUCCEEDED, costUsd: '99' },
        { status: VideoTaskStatus.FAILED },
      ] as Outcome[]) {
        await store.tasks.update('vt_1', observe(outcome, T0 + 5_000));
      }
      await taskOf(store, 'vt_2', 'alice', T0 + 1, { status: VideoTaskStatus.FAILED });
      await taskOf(store, 'vt_3', 'alice', T0 + 2, { status: VideoTaskStatus.EXPIRED });
      await taskOf(store, 'vt_4', 'alice', T0 + 3);
      expect(await totalOf('alice')).toMatchObject({
        tasks: 4,
        succeeded: 1,
        failed: 1,
        expired: 1,
        costUsd: '0.1',
        generatedVideos: 1,
      });
    });

    it('groups by period and dimension, and by client only for the range asked', async () => {
      const succeeded = (costUsd: string): Outcome => ({ status: VideoTaskStatus.SUCCEEDED, costUsd });
      await taskOf(store, 'vt_1', 'alice', T0 + 1, succeeded('0.1'), VideoResolution.P480);
      await taskOf(store, 'vt_2', 'alice', T0 + DAY + 1, succeeded('0.2'), VideoResolution.P720);
      await taskOf(store, 'vt_3', 'bob', T0 + DAY + 2, succeeded('0.3'), VideoResolution.P720);
      await taskOf(store, 'vt_4', 'bob', T0 + 5 * DAY, { status: VideoTaskStatus.SUCCEEDED, costUsd: '7' });
      const rows = await store.usage.sums({
        fromMs: T0,
        toMs: T0 + 2 * DAY,
        period: 'day_ms',
        groupBy: [UsageDimension.RESOLUTION, UsageDimension.CLIENT],
      });
      const shown = rows
        .map((row) => [row.periodMs, row.group.resolution, row.group.clientId, row.group.model, row.sums.costUsd])
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      expect(shown).toEqual([
        [T0, VideoResolution.P480, 'alice', null, '0.1'],
        [T0 + DAY, VideoResolution.P720, 'alice', null, '0.2'],
        [T0 + DAY, VideoResolution.P720, 'bob', null, '0.3'],
      ]);
    });

    it('gives the same sums from the hourly rollups as from the tasks, after any sequence of writes', async () => {
      const random = prng(23);
      const outcomes: Outcome[] = [
        ...AWKWARD_COSTS.map((costUsd): Outcome => ({
          status: VideoTaskStatus.SUCCEEDED,
          costUsd,
          discountUsd: '0.0125',
          videos: 2,
        })),
        { status: VideoTaskStatus.FAILED },
        { status: VideoTaskStatus.EXPIRED },
      ];
      const resolutions = [VideoResolution.P480, VideoResolution.P720, VideoResolution.P1080];
      for (let i = 0; i < 40; i += 1) {
        const id = `vt_${i}`;
        // Created inside the hour [T0, T0 + 1 h), never on its first or last millisecond.
        await taskOf(
          store,
          id,
          pick(random, ['alice', 'bob']),
          T0 + 60_000 * (i + 1),
          undefined,
          pick(random, resolutions),
        );
        const roll = random();
        if (roll < 0.15) continue; // still unfinished
        await store.tasks.update(id, observe(pick(random, outcomes), T0 + HOUR));
        if (roll < 0.3) await store.tasks.update(id, observe(pick(random, outcomes), T0 + HOUR + 1)); // a duplicate end: ignored
        if (roll > 0.6) {
          await store.tasks.update(id, reopen);
          if (roll > 0.8) await store.tasks.update(id, observe(pick(random, outcomes), T0 + HOUR + 2));
        }
        if (roll > 0.9)
          await store.tasks.update(id, (task) =>
            task.usage ? { ...task, usage: { ...task.usage, costUsd: '0.3' } } : null,
          );
      }
      for (const groupBy of [[], [UsageDimension.RESOLUTION, UsageDimension.CLIENT]]) {
        const fromRollups = await sumsByGroup(store, { fromMs: T0, toMs: T0 + HOUR, groupBy });
        // Shorter than an hour: read from the tasks alone.
        const fromTasks = await sumsByGroup(store, { fromMs: T0 + 1, toMs: T0 + HOUR - 1, groupBy });
        expect(fromRollups).toEqual(fromTasks);
        expect([...fromTasks.values()].reduce((sum, sums) => sum + sums.tasks, 0)).toBe(40);
      }
    });

    it('changes the usage version of a day on every submission and finish of that day, and only of that day', async () => {
      const version = () => store.usage.versionsOf(T0, T0 + DAY);
      const otherDay = () => store.usage.versionsOf(T0 + DAY, T0 + 2 * DAY);
      const seen = [await version()];
      const other = await otherDay();
      await store.tasks.insert(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 + 10 }));
      seen.push(await version());
      await store.tasks.update('vt_1', (task) => ({ ...task, prompt: 'no usage change' }));
      expect(await version()).toBe(seen[1]);
      await store.tasks.update('vt_1', observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' }, T0 + 20));
      seen.push(await version());
      expect(new Set(seen).size).toBe(3);
      expect(await otherDay()).toBe(other);
    });
  });
}
