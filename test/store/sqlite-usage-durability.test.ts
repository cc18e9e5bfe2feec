import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isTerminal, VideoTaskStatus } from '../../src/domain/task-status';
import { UsageGranularity } from '../../src/domain/usage-granularity';
import { TaskHistoryService } from '../../src/services/task-history-service';
import { UsageReportService } from '../../src/services/usage-report-service';
import { openStore } from '../../src/store/open-store';
import { useTempDir } from './temp-dir';

const tempDir = useTempDir('gateway-usage-durability-');
const WRITER = join(__dirname, 'fixtures', 'usage-writer.js');
const DEADLINE_MS = 20_000;
const TASKS = 120;

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

/** A decimal amount in pico-dollars, for an independent exact sum. */
const pico = (amount: string): bigint => {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole! + fraction.padEnd(12, '0'));
};

describe('SQL store on SQLite after SIGKILL in the middle of completions', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('counts every finished task once in usage, lists every task once, and keeps unfinished ones active', async () => {
    const path = join(tempDir(), 'killed.sqlite');
    child = spawn(process.execPath, [WRITER, path, String(TASKS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child!.on('exit', (_code, signal) => resolve(signal)));
    await finishedAtLeast(child, 40);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const store = await openStore(`sqlite://${path}`);
    try {
      const ids = Array.from({ length: TASKS }, (_, i) => `vt_5_${String(i).padStart(6, '0')}`);
      const tasks = (await store.tasks.getMany(ids)).map((task, i) => {
        if (!task) throw new Error(`task ${ids[i]} is missing`);
        return task;
      });
      const finished = tasks.filter((t) => isTerminal(t.status));
      expect(finished.length).toBeGreaterThanOrEqual(40);
      expect((await store.tasks.listActive()).sort()).toEqual(tasks.filter((t) => !isTerminal(t.status)).map((t) => t.id));

      // The report adds up to the stored tasks, each finished one once, money exact.
      const reports = new UsageReportService({ usage: store.usage, cache: store.caches.usageReports, maxBuckets: 1000 });
      const report = await reports.report({ clientId: 'ops', admin: true }, { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z'), granularity: UsageGranularity.TOTAL });
      const count = (status: VideoTaskStatus) => finished.filter((t) => t.status === status).length;
      expect(report.totals).toMatchObject({
        tasks: TASKS,
        succeeded: count(VideoTaskStatus.SUCCEEDED),
        failed: count(VideoTaskStatus.FAILED),
        expired: count(VideoTaskStatus.EXPIRED),
        totalTokens: finished.reduce((sum, t) => sum + (t.usage?.totalTokens ?? 0), 0),
        generatedVideos: finished.reduce((sum, t) => sum + (t.usage?.generatedVideos ?? 0), 0),
      });
      expect(pico(report.totals.costUsd)).toBe(finished.reduce((sum, t) => sum + pico(t.usage?.costUsd ?? '0'), 0n));

      // The history lists every task once, with its stored status.
      const pages = new TaskHistoryService({ history: store.history });
      for (const clientId of ['alice', 'bob']) {
        const listed = new Map<string, string>();
        let after: string | null = null;
        do {
          const page = await pages.page(clientId, { first: 7, after });
          for (const edge of page.edges) {
            expect(listed.has(edge.node.id)).toBe(false);
            listed.set(edge.node.id, edge.node.status);
          }
          after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
        } while (after);
        expect(listed).toEqual(new Map(tasks.filter((t) => t.clientId === clientId).map((t) => [t.id, t.status])));
      }
    } finally {
      await store.close();
    }
  });
});
