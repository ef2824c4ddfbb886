import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { AnyDb } from './database.ts';
import { tenantsAndCheckpoints } from './migrations/001-tenants-and-checkpoints.ts';
import { plans } from './migrations/002-plans.ts';

const migrations: Record<string, Migration> = {
  '001-tenants-and-checkpoints': tenantsAndCheckpoints,
  '002-plans': plans,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies the ledger's own tables' migrations in order; returns the names newly applied. */
export async function migrateCoreTables(db: AnyDb): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
