import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../test/support/postgres';

/** The store kinds a benchmark can run on. */
export type BenchStore = 'memory' | 'sqlite' | 'postgres';

/** Store kinds from a comma list (an env variable), checked. */
export function benchStores(list: string): BenchStore[] {
  return list
    .split(',')
    .filter(Boolean)
    .map((kind) => {
      if (kind === 'memory' || kind === 'sqlite' || kind === 'postgres') return kind;
      throw new Error(`unknown bench store ${kind} (memory, sqlite or postgres)`);
    });
}

/** Runs `bench` with the STORE_URL of a new, empty store of `kind`, removed afterwards. */
export async function withBenchStore<T>(kind: BenchStore, bench: (storeUrl: string) => Promise<T>): Promise<T> {
  switch (kind) {
    case 'memory':
      return bench('memory://');
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
      try {
        return await bench(`sqlite://${join(dir, 'gateway.sqlite')}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    case 'postgres': {
      const database = await createTestDatabase('gw_bench');
      try {
        return await bench(database.url);
      } finally {
        await database.drop();
      }
    }
  }
}
