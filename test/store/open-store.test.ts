import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VideoTaskStatus } from '../../src/domain/task-status';
import { openStore } from '../../src/store/open-store';
import type { StoreLogger } from '../../src/store/store-logger';
import { StoreUrlError } from '../../src/store/store-url';
import { sampleTask } from './fixtures/sample-task';
import { rawQuery } from './raw-query';
import { useTempDir } from './temp-dir';

const tempDir = useTempDir('gateway-open-store-');

function recordingLogger(): StoreLogger & { lines: Array<{ level: string; obj: unknown; msg: unknown }> } {
  const lines: Array<{ level: string; obj: unknown; msg: unknown }> = [];
  const at = (level: string) => ((obj: unknown, msg?: unknown) => void lines.push({ level, obj, msg })) as StoreLogger['info'];
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('openStore', () => {
  it('rejects a malformed or unsupported STORE_URL with StoreUrlError', async () => {
    await expect(openStore('redis://localhost')).rejects.toBeInstanceOf(StoreUrlError);
    await expect(openStore('gateway.sqlite')).rejects.toThrow(/invalid STORE_URL/);
  });

  it.each(['memory://', 'sqlite'] as const)('%s: ping answers while open and throws once closed; close is idempotent', async (kind) => {
    const url = kind === 'sqlite' ? `sqlite://${join(tempDir(), 'ping.sqlite')}` : kind;
    const store = await openStore(url);
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    await expect(store.ping()).rejects.toThrow(/closed/);
    await expect(store.close()).resolves.toBeUndefined();
  });

  it('creates the parent directories of the SQLite file, relative to cwd', async () => {
    const store = await openStore('sqlite://./nested/deeper/gateway.sqlite', { cwd: tempDir() });
    await store.close();
    expect(existsSync(join(tempDir(), 'nested/deeper/gateway.sqlite'))).toBe(true);
  });

  it('puts the SQLite file in WAL mode, one table per namespace, values as plain JSON', async () => {
    const path = join(tempDir(), 'layout.sqlite');
    const logger = recordingLogger();
    const store = await openStore(`sqlite://${path}`, { logger });
    const task = sampleTask({ status: VideoTaskStatus.RUNNING });
    await store.tasks.insert(task);

    // Seen from another connection while the store is open (WAL: readers are not blocked).
    expect(await rawQuery(path, 'PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    const tasks = await rawQuery(path, 'SELECT key, value FROM keyv_tasks');
    expect(tasks.map((r) => r.key)).toEqual([`tasks:${task.id}`]);
    expect(JSON.parse(String(tasks[0]?.value))).toEqual({ value: task });
    expect(await rawQuery(path, 'SELECT key FROM keyv_active_tasks')).toEqual([{ key: `active_tasks:${task.id}` }]);

    expect(logger.lines).toContainEqual({ level: 'info', obj: { store: 'sqlite', path, journalMode: 'wal' }, msg: 'store opened' });
    await store.close();
  });

  it('fails with a clear error when the file is not a SQLite database', async () => {
    const path = join(tempDir(), 'garbage.sqlite');
    writeFileSync(path, 'this is not a database, just some text that is long enough to have a header '.repeat(20));
    await expect(openStore(`sqlite://${path}`)).rejects.toThrow(new RegExp(`cannot open SQLite store at ${path}: .*not a database`));
  });

  it('fails with a clear error when the parent directory cannot be created', async () => {
    const blocker = join(tempDir(), 'a-file');
    writeFileSync(blocker, '');
    await expect(openStore(`sqlite://${blocker}/gateway.sqlite`)).rejects.toThrow(/EEXIST|ENOTDIR/);
  });

  it('waits for an update in progress before closing', async () => {
    const path = join(tempDir(), 'drain.sqlite');
    const store = await openStore(`sqlite://${path}`);
    const task = sampleTask({ status: VideoTaskStatus.RUNNING });
    await store.tasks.insert(task);
    const updates = Array.from({ length: 10 }, () => store.tasks.update(task.id, (t) => ({ ...t, status: VideoTaskStatus.SUCCEEDED })));
    await store.close();
    await expect(Promise.all(updates)).resolves.toHaveLength(10);

    const reopened = await openStore(`sqlite://${path}`);
    expect((await reopened.tasks.get(task.id))?.revision).toBe(task.revision + 10);
    expect(await reopened.tasks.listActive()).toEqual([]);
    await reopened.close();
  });
});
