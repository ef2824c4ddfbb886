import { createPostgresEventStore } from '../../adapters/eventstore/postgres.ts';
import { migrateDatabase } from '../../adapters/db/migrate.ts';
import { freshDatabase, testStoreKind } from '../support/database.ts';
import { eventStoreContract } from './event-store.contract.ts';

eventStoreContract(`postgres (${testStoreKind})`, async () => {
  const database = await freshDatabase();
  try {
    await migrateDatabase(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  const store = createPostgresEventStore(database.pool, { listen: testStoreKind === 'postgres' });
  return {
    store,
    async cleanup() {
      await store.close();
      await database.close();
    },
  };
});
