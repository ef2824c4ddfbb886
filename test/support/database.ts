import { openDatabase, type Database } from '../../adapters/db/database.ts';
import { DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from '../../adapters/db/pool.ts';
import { createScratchDatabase } from '../../adapters/db/scratch-database.ts';

/**
 * Every suite gets a database of its own. With TEST_DATABASE_URL set (CI sets it to the local
 * server) a fresh database is created on that server and dropped afterwards; without it an
 * in-memory embedded store is started.
 */
export const testServerUrl = process.env.TEST_DATABASE_URL || undefined;
export const testStoreKind: 'postgres' | 'embedded' = testServerUrl ? 'postgres' : 'embedded';

export interface TestDatabase extends Database {
  /** A DATABASE_URL for this database (undefined for the embedded store). */
  readonly url: string | undefined;
}

/**
 * Tests that do not test the timeouts get a long wait for a connection: the embedded store has
 * one, and on a loaded machine a burst of concurrent appends can queue for it past the 3 s a
 * production webhook may wait.
 */
const TEST_TIMEOUTS: DatabaseTimeouts = { ...DEFAULT_DATABASE_TIMEOUTS, connectMs: 30_000 };

export async function freshDatabase(options: { timeouts?: DatabaseTimeouts } = {}): Promise<TestDatabase> {
  const timeouts = options.timeouts ?? TEST_TIMEOUTS;
  if (!testServerUrl) {
    const database = await openDatabase({ dataDir: null, command: 'test', timeouts });
    return Object.assign(database, { url: undefined });
  }
  const scratch = await createScratchDatabase(testServerUrl, 'ledger_test');
  const database = await openDatabase({ databaseUrl: scratch.url, dataDir: null, command: 'test', timeouts });
  return {
    ...database,
    url: scratch.url,
    async close() {
      await database.close();
      await scratch.drop();
    },
  };
}
