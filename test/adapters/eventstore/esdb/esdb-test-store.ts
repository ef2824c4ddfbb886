import { createEsdbEventStore, type EsdbEventStoreOptions } from '../../../../adapters/eventstore/esdb/esdb.ts';
import { migrateDatabase } from '../../../../adapters/db/migrate.ts';
import type { EventStore } from '../../../../domain/ports/event-store.ts';
import { freshDatabase, type TestDatabase } from '../../../support/database.ts';

export interface ClaimRow {
  category: string;
  event_id: string;
  stream_name: string;
  state: 'pending' | 'stored';
}

/** A migrated scratch database for the index of event ids, and stores on it that the test closes. */
export interface EsdbTestDatabase {
  readonly database: TestDatabase;
  /** A store of this database on the EventStoreDB at `connectionString`, closed with the database. */
  store(connectionString: string, options?: Omit<EsdbEventStoreOptions, 'connectionString' | 'pool'>): EventStore;
  claims(eventId: string): Promise<ClaimRow[]>;
  close(): Promise<void>;
}

export async function openEsdbTestDatabase(): Promise<EsdbTestDatabase> {
  const database = await freshDatabase();
  try {
    await migrateDatabase(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  const stores: EventStore[] = [];
  return {
    database,
    store(connectionString, options = {}) {
      const store = createEsdbEventStore({ ...options, connectionString, pool: database.pool });
      stores.push(store);
      return store;
    },
    async claims(eventId) {
      const { rows } = await database.pool.query<ClaimRow>(
        'SELECT category, event_id::text, stream_name, state FROM esdb_event_id_claims WHERE event_id = $1 ORDER BY category',
        [eventId],
      );
      return rows;
    },
    async close() {
      await Promise.all(stores.map((store) => store.close()));
      await database.close();
    },
  };
}
