import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../adapters/db/database.ts';

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

export async function freshDatabase(): Promise<TestDatabase> {
  if (!testServerUrl) {
    const database = await openDatabase({ dataDir: null, command: 'test' });
    return Object.assign(database, { url: undefined });
  }
  const name = `ledger_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testServerUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(testServerUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: null, command: 'test' });
  return {
    ...database,
    url: url.toString(),
    async close() {
      await database.close();
      const dropper = new pg.Client({ connectionString: testServerUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
