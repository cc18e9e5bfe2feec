import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { VideoTaskStatus } from '../../src/domain/task-status';
import { UsageGranularity } from '../../src/domain/usage-granularity';
import { TaskHistoryService } from '../../src/services/task-history-service';
import { UsageReportService } from '../../src/services/usage-report-service';
import { openStore, type GatewayStore } from '../../src/store/open-store';
import { observe } from '../support/usage-fixtures';
import { rawQuery } from './raw-query';
import { useTempDir } from './temp-dir';

/** Written by release d5f7974 (see fixtures/README.md). */
const FIXTURE = join(__dirname, 'fixtures', 'legacy-keyv-store.sqlite');
const IDS = ['vt_legacy_1', 'vt_legacy_2', 'vt_legacy_3', 'vt_legacy_4', 'vt_legacy_5'];
const NOVEMBER = {
  from: new Date('2026-11-01T00:00:00Z'),
  to: new Date('2026-12-01T00:00:00Z'),
  granularity: UsageGranularity.TOTAL,
};

/** What the five imported tasks add up to. */
const IMPORTED_TOTALS = { tasks: 5, succeeded: 2, failed: 1, expired: 1, costUsd: '1.33456789' };

const keyvRow = z.object({ key: z.string(), value: z.string() });
const keyvEnvelope = z.object({ value: z.looseObject({ id: z.string() }) });

/** The tasks as the keyv-era store holds them, by id. */
async function legacyTasks(path: string): Promise<Map<string, unknown>> {
  const rows = z.array(keyvRow).parse(await rawQuery(path, 'SELECT key, value FROM keyv_tasks'));
  return new Map(
    rows.map((row) => {
      const task = keyvEnvelope.parse(JSON.parse(row.value)).value;
      return [task.id, task];
    }),
  );
}

const count = async (path: string, table: string) =>
  Number((await rawQuery(path, `SELECT COUNT(*) AS n FROM ${table}`))[0]?.n);

describe('import of a keyv-era SQLite store (release d5f7974)', () => {
  const tempDir = useTempDir('gateway-keyv-import-');
  let path: string;
  let store: GatewayStore | undefined;

  beforeEach(() => {
    path = join(tempDir(), `legacy-${Date.now()}-${Math.random().toString(36).slice(2)}.sqlite`);
    copyFileSync(FIXTURE, path);
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('reads every task back identical', async () => {
    const legacy = await legacyTasks(path);
    expect([...legacy.keys()].sort()).toEqual(IDS);
    store = await openStore(`sqlite://${path}`);
    for (const id of IDS) expect(await store.tasks.get(id)).toEqual(legacy.get(id));
  });

  it('reports usage with exact costs, each finished task once', async () => {
    store = await openStore(`sqlite://${path}`);
    const reports = new UsageReportService({ usage: store.usage, cache: store.caches.usageReports, maxBuckets: 100 });
    expect((await reports.report({ clientId: 'ops', admin: true }, NOVEMBER)).totals).toMatchObject({
      ...IMPORTED_TOTALS,
      generatedVideos: 3,
      totalTokens: 2000,
      videoSeconds: 15,
    });
    expect((await reports.report({ clientId: 'alice', admin: false }, NOVEMBER)).totals).toMatchObject({
      tasks: 3,
      succeeded: 2,
      costUsd: '1.33456789',
    });
    expect((await reports.report({ clientId: 'bob', admin: false }, NOVEMBER)).totals).toMatchObject({
      tasks: 2,
      failed: 1,
      expired: 1,
      costUsd: '0',
    });
  });

  it("lists each client's history newest first, in pages", async () => {
    store = await openStore(`sqlite://${path}`);
    const history = new TaskHistoryService({ history: store.history });
    const first = await history.page('alice', { first: 2 });
    expect(first.edges.map((e) => e.node.id)).toEqual(['vt_legacy_5', 'vt_legacy_2']);
    const rest = await history.page('alice', { first: 2, after: first.pageInfo.endCursor });
    expect(rest.edges.map((e) => e.node.id)).toEqual(['vt_legacy_1']);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect((await history.page('bob', { first: 10 })).edges.map((e) => [e.node.id, e.node.status])).toEqual([
      ['vt_legacy_4', VideoTaskStatus.EXPIRED],
      ['vt_legacy_3', VideoTaskStatus.FAILED],
    ]);
  });

  it('keeps the unfinished task active: listed, holding its slot, claimable by a poller', async () => {
    store = await openStore(`sqlite://${path}`);
    expect(await store.tasks.listActive()).toEqual(['vt_legacy_5']);
    expect(await store.slots.activeTaskIds('alice')).toEqual(['vt_legacy_5']);
    expect(await store.leases.claim('replica-a', 10_000, 10)).toEqual(['vt_legacy_5']);
    expect(await store.leases.claim('replica-b', 10_000, 10)).toEqual([]);
  });

  it('replays the idempotency key', async () => {
    store = await openStore(`sqlite://${path}`);
    const held = {
      clientId: 'alice',
      key: 'order-42',
      fingerprint: 'fp-legacy',
      taskId: 'vt_legacy_5',
      state: 'created',
      createdAt: '2026-12-06T16:48:15.802Z',
    };
    expect(await store.idempotency.get('alice', 'order-42')).toEqual(held);
    const repeat = { ...held, taskId: 'vt_new', state: 'pending' as const };
    expect(await store.idempotency.claim(repeat, 60_000)).toEqual(held);
    expect(await store.idempotency.get('bob', 'order-42')).toBeUndefined();
  });

  it('imports once: a second start adds nothing and keeps what changed since', async () => {
    store = await openStore(`sqlite://${path}`);
    await store.tasks.update(
      'vt_legacy_5',
      observe({ status: VideoTaskStatus.SUCCEEDED, costUsd: '0.5' }, Date.parse('2026-11-04T10:05:00Z')),
    );
    await store.close();
    const counts = {
      tasks: await count(path, 'tasks'),
      usage: await count(path, 'usage_records'),
      keys: await count(path, 'idempotency_keys'),
    };
    expect(counts).toEqual({ tasks: 5, usage: 5, keys: 1 });

    store = await openStore(`sqlite://${path}`);
    expect({
      tasks: await count(path, 'tasks'),
      usage: await count(path, 'usage_records'),
      keys: await count(path, 'idempotency_keys'),
    }).toEqual(counts);
    expect((await store.tasks.get('vt_legacy_5'))?.status).toBe(VideoTaskStatus.SUCCEEDED);
    expect(await store.tasks.listActive()).toEqual([]);
    const reports = new UsageReportService({ usage: store.usage, cache: store.caches.usageReports, maxBuckets: 100 });
    expect((await reports.report({ clientId: 'ops', admin: true }, NOVEMBER)).totals).toMatchObject({
      tasks: 5,
      succeeded: 3,
      costUsd: '1.83456789',
    });
    expect(await rawQuery(path, "SELECT name FROM store_meta WHERE name = 'keyv-import'")).toEqual([
      { name: 'keyv-import' },
    ]);
    // The keyv tables are left as they were.
    expect(await count(path, 'keyv_tasks')).toBe(5);
  });

  it('leaves out an unreadable task row (logged) and an expired idempotency key, importing the rest', async () => {
    const legacy = new BetterSqlite3(path);
    try {
      legacy
        .prepare('INSERT INTO keyv_tasks (key, value) VALUES (?, ?)')
        .run('tasks:vt_broken', '{"value":{"id":"vt_broken"}}');
      const expired = {
        value: {
          v: 1,
          record: {
            clientId: 'bob',
            key: 'old',
            fingerprint: 'fp',
            taskId: 'vt_legacy_3',
            state: 'created',
            createdAt: '2026-11-02T11:00:00.000Z',
          },
        },
        expires: 1,
      };
      legacy
        .prepare('INSERT INTO keyv_idempotency_keys (key, value) VALUES (?, ?)')
        .run('idempotency_keys:expired', JSON.stringify(expired));
    } finally {
      legacy.close();
    }
    const warnings: unknown[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      error: () => undefined,
      warn: (obj: unknown) => void warnings.push(obj),
    };
    store = await openStore(`sqlite://${path}`, { logger });
    expect(warnings).toEqual([{ key: 'tasks:vt_broken' }]);
    expect(await store.tasks.get('vt_broken')).toBeUndefined();
    expect((await Promise.all(IDS.map((id) => store!.tasks.get(id)))).every(Boolean)).toBe(true);
    expect(await store.idempotency.get('bob', 'old')).toBeUndefined();
    expect(await count(path, 'idempotency_keys')).toBe(1);
  });

  it('finishes an import that was cut short without duplicating what it had already stored', async () => {
    store = await openStore(`sqlite://${path}`);
    await store.close();
    // As if the process died after the tasks' transactions, before the one that writes the mark.
    const file = new BetterSqlite3(path);
    try {
      file.prepare("DELETE FROM store_meta WHERE name = 'keyv-import'").run();
    } finally {
      file.close();
    }
    store = await openStore(`sqlite://${path}`);
    expect({
      tasks: await count(path, 'tasks'),
      usage: await count(path, 'usage_records'),
      keys: await count(path, 'idempotency_keys'),
    }).toEqual({ tasks: 5, usage: 4, keys: 1 });
    expect(await rawQuery(path, "SELECT name FROM store_meta WHERE name = 'keyv-import'")).toHaveLength(1);
    const legacy = await legacyTasks(path);
    for (const id of IDS) expect(await store.tasks.get(id)).toEqual(legacy.get(id));
    const reports = new UsageReportService({ usage: store.usage, cache: store.caches.usageReports, maxBuckets: 100 });
    expect((await reports.report({ clientId: 'ops', admin: true }, NOVEMBER)).totals).toMatchObject(IMPORTED_TOTALS);
  });
});
