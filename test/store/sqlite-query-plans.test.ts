import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { UsageGranularity } from '../../src/domain/usage-granularity';
import { TaskHistoryService } from '../../src/services/task-history-service';
import { UsageReportService } from '../../src/services/usage-report-service';
import { openStore } from '../../src/store/open-store';
import { submittedTask } from '../support/usage-fixtures';
import { useTempDir } from './temp-dir';

const tempDir = useTempDir('gateway-query-plans-');
const T0 = Date.parse('2026-07-01T00:00:00.000Z');

/** A statement the store ran: its SQL and the parameters of its read. */
interface RanQuery {
  source: string;
  parameters: unknown[];
}

/** Records every read the store runs on its SQLite connection (better-sqlite3's `all`). */
function recordQueries(): { queries: RanQuery[]; restore(): void } {
  const queries: RanQuery[] = [];
  const original = BetterSqlite3.prototype.prepare;
  const spy = jest.spyOn(BetterSqlite3.prototype, 'prepare').mockImplementation(function (
    this: BetterSqlite3.Database,
    source: string,
  ) {
    const statement = original.call(this, source);
    const all = statement.all.bind(statement) as (...parameters: unknown[]) => unknown[];
    statement.all = (...parameters: unknown[]) => {
      queries.push({ source, parameters: parameters.flat() });
      return all(...parameters);
    };
    return statement;
  });
  return { queries, restore: () => spy.mockRestore() };
}

/** SQLite's plan of a query, with the parameters it ran with. */
function planOf(path: string, query: RanQuery): string {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${query.source}`).all(...query.parameters) as Array<{ detail: string }>;
    return rows.map((row) => row.detail).join(' | ');
  } finally {
    db.close();
  }
}

describe('SQLite query plans', () => {
  it('reads a history page as an index range of (client, created_at, id), with no scan or sort', async () => {
    const path = join(tempDir(), 'plans.sqlite');
    const store = await openStore(`sqlite://${path}`);
    const recorded = recordQueries();
    try {
      await store.tasks.insertMany(
        Array.from({ length: 50 }, (_, i) =>
          submittedTask({ id: `vt_${i}`, clientId: i % 2 ? 'alice' : 'bob', createdAtMs: T0 + i }),
        ),
      );
      const history = new TaskHistoryService({ history: store.history });
      const first = await history.page('alice', { first: 5 });
      await history.page('alice', { first: 5, after: first.pageInfo.endCursor });
      const pages = recorded.queries.filter((query) => /order by "created_at_ms" desc/.test(query.source));
      expect(pages).toHaveLength(2);
      for (const page of pages) {
        const plan = planOf(path, page);
        expect(plan).toMatch(/SEARCH tasks USING INDEX tasks_by_client/);
        expect(plan).not.toMatch(/TEMP B-TREE|SCAN/);
      }
    } finally {
      recorded.restore();
      await store.close();
    }
  });

  it("groups a client's usage report from an index on the client, not a scan of every task", async () => {
    const path = join(tempDir(), 'usage-plans.sqlite');
    const store = await openStore(`sqlite://${path}`);
    const recorded = recordQueries();
    try {
      const reports = new UsageReportService({ usage: store.usage, cache: store.caches.usageReports, maxBuckets: 100 });
      await reports.report(
        { clientId: 'alice', admin: false },
        { from: new Date(T0), to: new Date(T0 + 86_400_000), granularity: UsageGranularity.HOUR },
      );
      const sums = recorded.queries.filter((query) => /\bsum\(/i.test(query.source));
      expect(sums).toHaveLength(1);
      // Every table is searched by an index (on the client), none scanned whole.
      const plan = planOf(path, sums[0]!);
      expect(plan).toMatch(/^SEARCH \S+ USING (COVERING )?INDEX \S+ \(client_id=\?/);
      expect(plan).not.toMatch(/(^|\| )SCAN /);
    } finally {
      recorded.restore();
      await store.close();
    }
  });
});
