import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isTerminal, VideoTaskStatus } from '../../src/domain/task-status';
import { UsageGranularity } from '../../src/domain/usage-granularity';
import { TaskHistoryService } from '../../src/services/task-history-service';
import { UsageReportService } from '../../src/services/usage-report-service';
import { openStore } from '../../src/store/open-store';
import { useTempDir } from './temp-dir';

const tempDir = useTempDir('gateway-sqlite-durability-');
const WRITER = join(__dirname, 'fixtures', 'sqlite-writer.js');
const DEADLINE_MS = 20_000;
const TASKS = 120;

/** A decimal amount in pico-dollars, for an independent exact sum. */
const pico = (amount: string): bigint => {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole! + fraction.padEnd(12, '0'));
};

/**
 * Collects the child's stdout lines and resolves `until(predicate)` as soon as the lines seen
 * so far satisfy it; rejects if the child exits first or the deadline passes. Event-driven:
 * no sleeps.
 */
function watchLines(child: ChildProcess) {
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let stderr = '';
  let exited: string | undefined;
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const reader = createInterface({ input: child.stdout! });
  reader.on('line', (line) => {
    lines.push(line);
    [...waiters].forEach((w) => w());
  });
  /** Resolves once stdout has ended and every line in it has been seen (later than 'exit'). */
  const drained = new Promise<void>((resolve) => reader.once('close', resolve));
  child.on('exit', (code, signal) => {
    exited = `writer exited (code ${code}, signal ${signal}) before the expected output; stderr: ${stderr}`;
    [...waiters].forEach((w) => w());
  });

  const until = (predicate: (lines: string[]) => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          finish(
            new Error(
              `timed out after ${DEADLINE_MS} ms waiting for ${what}; stdout: ${lines.join(' | ')}; stderr: ${stderr}`,
            ),
          ),
        DEADLINE_MS,
      );
      const check = (): void => {
        if (predicate(lines)) finish();
        else if (exited) finish(new Error(exited));
      };
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(check), 1);
        if (error) reject(error);
        else resolve();
      };
      waiters.push(check);
      check();
    });
  return { lines, until, drained };
}

describe('SQLite store durability', () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('keeps every committed write when the writing process is killed with SIGKILL', async () => {
    const path = join(tempDir(), 'killed.sqlite');
    child = spawn(process.execPath, [WRITER, path, '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exit = new Promise<NodeJS.Signals | null>((resolve) => child!.on('exit', (_code, signal) => resolve(signal)));
    const output = watchLines(child);

    // Kill while the child is in the middle of a stream of updates, not after a quiet period.
    const committed = (lines: string[]) =>
      lines.filter((l) => l.startsWith('committed ')).map((l) => Number(l.slice('committed '.length)));
    await output.until((lines) => committed(lines).length >= 5, 'written tasks and 5 committed updates');
    child.kill('SIGKILL');
    expect(await exit).toBe('SIGKILL');
    await output.drained;

    const ids = JSON.parse(output.lines.find((l) => l.startsWith('written '))!.slice('written '.length)) as string[];
    // Every line the child printed (including any still in the pipe at the kill) reports a commit.
    // (Only a lower bound: the update in flight at the kill may have committed unreported.)
    const lastReported = Math.max(...committed(output.lines));
    // The data is still in the WAL (no clean close checkpointed it), so reopening exercises recovery.
    expect(existsSync(`${path}-wal`)).toBe(true);

    const store = await openStore(`sqlite://${path}`);
    try {
      const tasks = await Promise.all(ids.map((id) => store.tasks.get(id)));
      expect(tasks.map((t) => t?.prompt)).toEqual(ids.map((_, i) => `task ${i}`));
      expect(tasks.map((t) => t?.status)).toEqual(
        ids.map((_, i) => (i % 2 === 0 ? VideoTaskStatus.SUCCEEDED : VideoTaskStatus.RUNNING)),
      );
      // No update reported as committed is lost.
      expect(tasks[1]!.revision).toBeGreaterThanOrEqual(lastReported);
      expect((await store.tasks.listActive()).sort()).toEqual(ids.filter((_, i) => i % 2 === 1).sort());
      // And the file takes new writes after recovery.
      expect((await store.tasks.update(ids[1]!, (t) => ({ ...t, prompt: 'after crash' })))?.revision).toBe(
        tasks[1]!.revision + 1,
      );
    } finally {
      await store.close();
    }
  });

  it('counts every finished task once in usage after a kill in the middle of completions, and lists every task once', async () => {
    const path = join(tempDir(), 'completions.sqlite');
    child = spawn(process.execPath, [WRITER, path, String(TASKS), 'completions'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exit = new Promise<NodeJS.Signals | null>((resolve) => child!.on('exit', (_code, signal) => resolve(signal)));
    const output = watchLines(child);
    const finishedCount = (lines: string[]) =>
      Math.max(0, ...lines.filter((l) => l.startsWith('finished ')).map((l) => Number(l.slice(9))));
    await output.until((lines) => finishedCount(lines) >= 40, '40 finished tasks');
    child.kill('SIGKILL');
    expect(await exit).toBe('SIGKILL');

    const store = await openStore(`sqlite://${path}`);
    try {
      const ids = Array.from({ length: TASKS }, (_, i) => `vt_5_${String(i).padStart(6, '0')}`);
      const tasks = (await store.tasks.getMany(ids)).map((task, i) => {
        if (!task) throw new Error(`task ${ids[i]} is missing`);
        return task;
      });
      const finished = tasks.filter((t) => isTerminal(t.status));
      expect(finished.length).toBeGreaterThanOrEqual(40);
      expect((await store.tasks.listActive()).sort()).toEqual(
        tasks.filter((t) => !isTerminal(t.status)).map((t) => t.id),
      );

      // The report adds up to the stored tasks, each finished one once, money exact.
      const reports = new UsageReportService({
        usage: store.usage,
        cache: store.caches.usageReports,
        maxBuckets: 1000,
      });
      const report = await reports.report(
        { clientId: 'ops', admin: true },
        {
          from: new Date('2026-01-01T00:00:00Z'),
          to: new Date('2026-02-01T00:00:00Z'),
          granularity: UsageGranularity.TOTAL,
        },
      );
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
