import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openStore, type GatewayStore, type OpenStoreOptions } from '../../src/store/open-store';
import { createTestDatabase, type TestDatabase } from './postgres';

/** The engines every store contract and SQL-backed service test runs on. */
export type TestEngine = 'memory' | 'sqlite' | 'postgres';
export const TEST_ENGINES: readonly TestEngine[] = ['memory', 'sqlite', 'postgres'];

/** A fresh store of one engine, for one test. */
export interface TestStore {
  store: GatewayStore;
  /** The `STORE_URL` it was opened with. */
  url: string;
  /**
   * Persistent engines only: another store instance on the same data. After `store.close()`
   * this is a restart; while `store` is open, it is a second replica (on SQLite: a second
   * process on the same file).
   */
  openAgain?: (options?: OpenStoreOptions) => Promise<GatewayStore>;
}

/** Fresh stores of one engine; everything opened is closed after each test and removed after the file. */
export interface TestStores {
  readonly engine: TestEngine;
  /** Whether data outlives `close` (sqlite, postgres): `openAgain` is then defined. */
  readonly persistent: boolean;
  /** An empty store. Call at most once per test on PostgreSQL (it empties the file's database). */
  open(options?: OpenStoreOptions): Promise<TestStore>;
}

/**
 * Registers the hooks that give a test file fresh stores of `engine`: a new file per store on
 * SQLite; on PostgreSQL one database per file (creating one costs about half a second), emptied
 * before each `open`, dropped in `afterAll`. Call at the top of a file or `describe`.
 */
export function useTestStores(engine: TestEngine): TestStores {
  const opened: GatewayStore[] = [];
  let dir: string | undefined;
  let database: TestDatabase | undefined;
  /** Whether the database has the store's tables (a store opened on it once). */
  let migrated = false;
  let files = 0;

  const track = async (url: string, options?: OpenStoreOptions): Promise<GatewayStore> => {
    const store = await openStore(url, options);
    opened.push(store);
    return store;
  };
  const persistentAt = async (url: string, options?: OpenStoreOptions): Promise<TestStore> => ({
    store: await track(url, options),
    url,
    openAgain: (again) => track(url, again ?? options),
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  });

  return {
    engine,
    persistent: engine !== 'memory',
    async open(options) {
      switch (engine) {
        case 'memory':
          return { store: await track('memory://', options), url: 'memory://' };
        case 'sqlite':
          dir ??= mkdtempSync(join(tmpdir(), 'gateway-test-store-'));
          files += 1;
          return persistentAt(`sqlite://${join(dir, `s${files}`, 'gateway.sqlite')}`, options);
        case 'postgres': {
          database ??= await createTestDatabase();
          if (migrated) await emptyTables(database.url);
          const fresh = await persistentAt(database.url, options);
          migrated = true;
          return fresh;
        }
      }
    },
  };
}

/**
 * Deletes every row of the store's tables, whatever the migrations made (the schema and Kysely's
 * migration bookkeeping stay: reopening skips the migrations).
 */
async function emptyTables(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely\\_%'",
    );
    await client.query(`TRUNCATE ${tables.rows.map((row) => row.name).join(', ')}`);
  } finally {
    await client.end();
  }
}

/** Runs `define` once per engine of {@link TEST_ENGINES}, in a `describe` named after it, with its stores. */
export function describeEachEngine(title: string, define: (stores: TestStores) => void): void {
  describe.each(TEST_ENGINES)(`${title} (%s)`, (engine) => {
    define(useTestStores(engine));
  });
}
