import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isTerminal } from '../../src/domain/task-status';
import { UsageGranularity } from '../../src/domain/usage-granularity';
import { usageRecordOf } from '../../src/domain/usage-record';
import { TaskHistoryService } from '../../src/services/task-history-service';
import { UsageReportService } from '../../src/services/usage-report-service';
import { openIndexedStore } from '../../src/store/open-indexed-store';
import { openKeyvStores } from '../../src/store/keyv-factory';
import { UNSETTLED_NAMESPACE, UnsettledTasks } from '../../src/store/unsettled-tasks';
import { useTempDir } from './temp-dir';

const tempDir = useTempDir('gateway-indexed-durability-');
const WRITER = join(__dirname, 'fixtures', 'indexed-writer.js');
const DEADLINE_MS = 20_000;

/** Resolves once the child printed `finished <n>` with n >= `atLeast`; rejects on exit or deadline. */
function finishedAtLeast(child: ChildProcess, atLeast: number): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${atLeast} finished tasks; stderr: ${stderr}`)), DEADLINE_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('finished ') && Number(line.slice(9)) >= atLeast) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`writer exited early (code ${code}, signal ${signal}); stderr: ${stderr}`));
    });
  });
}

describe('indexed SQLite store after SIGKILL', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('derives exactly the stored tasks after a kill in the middle of completions: records, history and reports', async () => {
    const path = join(tempDir(), 'killed.sqlite');
    child = spawn(process.execPath, [WRITER, path, '120'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child!.on('exit', (_code, signal) => resolve(signal)));
    await finishedAtLeast(child, 40);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const store = await openIndexedStore(`sqlite://${path}`);
    try {
      const reports = new UsageReportService({ history: store.history, records: store.usageRecords, cells: store.usageCells, tasks: store.tasks, maxBuckets: 1000 });
      const pages = new TaskHistoryService({ history: store.history, tasks: store.tasks });
      const ids = Array.from({ length: 120 }, (_, i) => `vt_5_${String(i).padStart(6, '0')}`);
      const tasks = (await store.tasks.getMany(ids)).map((task, i) => {
        if (!task) throw new Error(`task ${ids[i]} is missing`);
        return task;
      });
      const finished = tasks.filter((t) => isTerminal(t.status));
      expect(finished.length).toBeGreaterThanOrEqual(40);
      // Every finished task has its record (start-up repaired any the kill interrupted)...
      for (const task of finished) expect(await store.usageRecords.get(task.id)).toEqual(usageRecordOf(task));
      // ...and only unfinished tasks are left in the journal.
      const journal = await openKeyvStores({ kind: 'sqlite', path }, [UNSETTLED_NAMESPACE]);
      try {
        const journaled = (await new UnsettledTasks(journal.keyv.unsettled_tasks).list()).map((t) => t.taskId);
        expect(journaled.sort()).toEqual(tasks.filter((t) => !isTerminal(t.status)).map((t) => t.id).sort());
      } finally {
        await journal.close();
      }

      // The report adds up to the stored tasks, each once.
      const report = await reports.report({ clientId: 'ops', admin: true }, { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z'), granularity: UsageGranularity.TOTAL });
      const sumPico = (values: string[]) => values.reduce((sum, v) => sum + BigInt(v.replace('.', '').padEnd(v.split('.')[0]!.length + 12, '0')), 0n);
      expect(report.totals.tasks).toBe(120);
      expect(report.totals.succeeded).toBe(finished.filter((t) => t.usage).length);
      expect(sumPico([report.totals.costUsd])).toBe(sumPico(finished.map((t) => t.usage?.costUsd ?? '0')));
      expect(report.totals.totalTokens).toBe(finished.reduce((sum, t) => sum + (t.usage?.totalTokens ?? 0), 0));

      // And the history lists every task once, with its stored status.
      for (const clientId of ['alice', 'bob']) {
        const listed = new Map<string, string>();
        let after: string | null = null;
        do {
          const page = await pages.page(clientId, { first: 7, after });
          for (const edge of page.edges) listed.set(edge.node.id, edge.node.status);
          after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
        } while (after);
        expect([...listed.keys()].sort()).toEqual(tasks.filter((t) => t.clientId === clientId).map((t) => t.id).sort());
        const indexed = [];
        for await (const entry of store.history.newestFirst(clientId)) indexed.push([entry.taskId, entry.status]);
        expect(new Map(indexed as Array<[string, string]>)).toEqual(listed);
      }
    } finally {
      await store.close();
    }
  });
});
