import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VideoTaskStatus } from '../../src/domain/task-status';
import { DatabaseOpenError } from '../../src/store/open-database';
import { openStore } from '../../src/store/open-store';
import type { StoreLogger } from '../../src/store/store-logger';
import { StoreUrlError } from '../../src/store/store-url';
import { Client } from 'pg';
import { createTestDatabase, POSTGRES_ADMIN_URL, type TestDatabase } from '../support/postgres';
import { waitFor } from '../support/wait-for';
import { sampleTask } from './fixtures/sample-task';
import { rawQuery } from './raw-query';
import { useTempDir } from './temp-dir';

const tempDir = useTempDir('gateway-open-store-');

function recordingLogger(): StoreLogger & { lines: Array<{ level: string; obj: unknown; msg: unknown }> } {
  const lines: Array<{ level: string; obj: unknown; msg: unknown }> = [];
  const at = (level: string) =>
    ((obj: unknown, msg?: unknown) => void lines.push({ level, obj, msg })) as StoreLogger['info'];
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Runs one statement on its own connection to `url`. */
async function adminQuery(url: string, statement: string): Promise<Array<Record<string, unknown>>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(statement)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

describe('openStore', () => {
  it('rejects a malformed or unsupported STORE_URL with StoreUrlError', async () => {
    await expect(openStore('redis://localhost')).rejects.toBeInstanceOf(StoreUrlError);
    await expect(openStore('mysql://user:s3cret@db/gateway')).rejects.toThrow(/unsupported scheme "mysql"/);
    await expect(openStore('gateway.sqlite')).rejects.toThrow(/invalid STORE_URL/);
  });

  it('fails on an unreachable PostgreSQL with DatabaseOpenError naming the store, without the password', async () => {
    const error = await openStore('postgres://gateway:s3cret@127.0.0.1:1/gateway').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseOpenError);
    const message = (error as DatabaseOpenError).message;
    expect(message).toContain('cannot reach the PostgreSQL store at postgres://gateway:***@127.0.0.1:1/gateway');
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).not.toContain('s3cret');
  });

  it('fails on a PostgreSQL database that does not exist with DatabaseOpenError', async () => {
    const error = await openStore('postgresql://postgres@127.0.0.1:5432/gw_test_no_such_database').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseOpenError);
    expect((error as Error).message).toMatch(
      /PostgreSQL store at postgresql:\/\/postgres@127\.0\.0\.1:5432\/gw_test_no_such_database: .*does not exist/,
    );
  });

  describe('on a fresh PostgreSQL database', () => {
    let database: TestDatabase | undefined;
    afterAll(async () => {
      await database?.drop();
    });

    it('fails with DatabaseOpenError when the schema cannot be migrated, leaving no connection open', async () => {
      const blocked = await createTestDatabase();
      try {
        await adminQuery(blocked.url, 'CREATE TABLE tasks (unrelated integer)');
        const error = await openStore(blocked.url).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DatabaseOpenError);
        expect((error as Error).message).toMatch(
          /^cannot prepare the PostgreSQL store at postgres:\/\/.*: database migration 001-initial failed/,
        );
        await waitFor(
          () =>
            adminQuery(
              POSTGRES_ADMIN_URL,
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = '${blocked.name}'`,
            ),
          (rows) => rows[0]?.n === 0,
          { what: 'every connection of the failed start to close', timeoutMs: 5_000 },
        );
      } finally {
        await blocked.drop();
      }
    });

    it('lets two replicas start at once: both migrate safely and share the data', async () => {
      database = await createTestDatabase();
      const [a, b] = await Promise.all([openStore(database.url), openStore(database.url)]);
      try {
        await Promise.all([a.ping(), b.ping()]);
        expect(a.engine).toBe('postgres');
        expect(a.replicaId).not.toBe(b.replicaId);
        const task = sampleTask();
        await a.tasks.insert(task);
        expect(await b.tasks.get(task.id)).toEqual(task);
        // Each migration ran once.
        const migrations = await a.postgresPool!.query<{ name: string }>(
          'SELECT name FROM kysely_migration ORDER BY name',
        );
        const names = migrations.rows.map((row) => row.name);
        expect(names[0]).toBe('001-initial');
        expect(new Set(names).size).toBe(names.length);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
      await expect(a.ping()).rejects.toThrow(/closed/);
    });
  });

  it.each(['memory://', 'sqlite'] as const)(
    '%s: ping answers while open and throws once closed; close is idempotent',
    async (kind) => {
      const url = kind === 'sqlite' ? `sqlite://${join(tempDir(), 'ping.sqlite')}` : kind;
      const store = await openStore(url);
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toThrow(/closed/);
      await expect(store.close()).resolves.toBeUndefined();
    },
  );

  it('creates the parent directories of the SQLite file, relative to cwd', async () => {
    const store = await openStore('sqlite://./nested/deeper/gateway.sqlite', { cwd: tempDir() });
    await store.close();
    expect(existsSync(join(tempDir(), 'nested/deeper/gateway.sqlite'))).toBe(true);
  });

  it('puts the SQLite file in WAL mode, a row per task with the task as plain JSON', async () => {
    const path = join(tempDir(), 'layout.sqlite');
    const logger = recordingLogger();
    const store = await openStore(`sqlite://${path}`, { logger });
    const task = sampleTask({ status: VideoTaskStatus.RUNNING });
    await store.tasks.insert(task);

    // Seen from another connection while the store is open (WAL: readers are not blocked).
    expect(await rawQuery(path, 'PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    const rows = await rawQuery(path, 'SELECT id, client_id, status, finished, revision, data FROM tasks');
    expect(rows).toEqual([
      { id: task.id, client_id: 'alice', status: 'RUNNING', finished: 0, revision: 1, data: expect.any(String) },
    ]);
    expect(JSON.parse(String(rows[0]?.data))).toEqual(task);

    expect(logger.lines).toContainEqual({ level: 'info', obj: { store: 'sqlite', path }, msg: 'store opened' });
    await store.close();
  });

  it('fails with a clear error when the file is not a SQLite database', async () => {
    const path = join(tempDir(), 'garbage.sqlite');
    writeFileSync(path, 'this is not a database, just some text that is long enough to have a header '.repeat(20));
    await expect(openStore(`sqlite://${path}`)).rejects.toThrow(
      new RegExp(`cannot open SQLite store at ${path}: .*not a database`),
    );
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
    const updates = Array.from({ length: 10 }, () =>
      store.tasks.update(task.id, (t) => ({ ...t, status: VideoTaskStatus.SUCCEEDED })),
    );
    await store.close();
    await expect(Promise.all(updates)).resolves.toHaveLength(10);

    const reopened = await openStore(`sqlite://${path}`);
    expect((await reopened.tasks.get(task.id))?.revision).toBe(task.revision + 10);
    expect(await reopened.tasks.listActive()).toEqual([]);
    await reopened.close();
  });
});
