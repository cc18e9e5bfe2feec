import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './001-initial';
import * as usageRollups from './002-usage-rollups';
import * as replicaHeartbeats from './003-replica-heartbeats';
import * as historyFilterIndex from './004-history-filter-index';

/**
 * Every migration, in order. Names sort in the order they run; a released migration is never
 * edited, a change is a new file.
 */
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': initial,
  '002-usage-rollups': usageRollups,
  '003-replica-heartbeats': replicaHeartbeats,
  '004-history-filter-index': historyFilterIndex,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Brings the schema to the latest version. Kysely's migrator takes a lock first (an advisory
 * lock on PostgreSQL, a lock table on SQLite), so replicas starting at once run each migration once.
 *
 * @throws Error naming the migration that failed
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
