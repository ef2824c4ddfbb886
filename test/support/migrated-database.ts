import { migrateDatabase } from '../../adapters/db/migrate.ts';
import { freshDatabase, type TestDatabase } from './database.ts';

/**
 * Mocha hooks giving the suite they are called in (inside a `describe`) a fresh database with
 * every ledger migration applied, closed (and dropped) after the suite. Returns the database
 * (available once the suite's `before` hooks have run).
 */
export function suiteMigratedDatabase(): () => TestDatabase {
  let database: TestDatabase | undefined;
  before(async () => {
    database = await freshDatabase();
    await migrateDatabase(database.db);
  });
  after(() => database?.close());
  return () => {
    if (!database) throw new Error('the database is made in a before hook: use it in a test or a later hook');
    return database;
  };
}
