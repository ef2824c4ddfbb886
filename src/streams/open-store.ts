import type { Database } from '../../adapters/db/database.ts';
import { createPostgresEventStore } from '../../adapters/eventstore/postgres.ts';
import { describeEventStore } from '../../adapters/eventstore/esdb/describe.ts';
import { createEsdbEventStore } from '../../adapters/eventstore/esdb/esdb.ts';
import { countEventsAfter } from '../../adapters/eventstore/postgres-horizon.ts';
import { OperatorError } from '../../domain/operator-error.ts';
import type { EventStore, GlobalPosition } from '../../domain/ports/event-store.ts';
import type { Config } from '../config.ts';

/** The stores `ledger streams copy` moves history between (`--from`, `--to`). */
export const STORE_KINDS = ['postgres', 'esdb'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface StoreForCopy {
  readonly kind: StoreKind;
  readonly store: EventStore;
  /** Which store this is, for messages and for naming the copy's progress; never a password. */
  readonly description: string;
  /** How many events lie after a position, when the store can count them (for the progress lines). */
  readonly countEventsAfter?: ((after: GlobalPosition) => Promise<number>) | undefined;
  close(): Promise<void>;
}

/**
 * Refuses, before anything is opened, a store this configuration cannot open: the mistake is
 * named at once instead of after the ledger's database has been opened and migrated.
 */
export function checkStoreForCopy(kind: StoreKind, config: Config): void {
  if (kind === 'esdb') {
    if (!config.eventStoreConnectionString) {
      throw new OperatorError('esdb: EVENTSTORE_CONNECTION_STRING is not set (the EventStoreDB to copy with, e.g. esdb://localhost:2113?tls=false)');
    }
  }
}

/**
 * Opens one side of a copy. `postgres` is the event store in the ledger's database (DATABASE_URL,
 * or the embedded store), the one `database` is; `esdb` is EventStoreDB at
 * EVENTSTORE_CONNECTION_STRING. Closing it leaves `database` open.
 */
export async function openStoreForCopy(kind: StoreKind, config: Config, database: Database): Promise<StoreForCopy> {
  checkStoreForCopy(kind, config);
  switch (kind) {
    case 'postgres': {
      const store = createPostgresEventStore(database.pool);
      return {
        kind,
        store,
        description: `postgres ${database.description}`,
        async countEventsAfter(after) {
          const { visible, notYetVisible } = await countEventsAfter(database.pool, { after, cap: Number.MAX_SAFE_INTEGER });
          return visible + notYetVisible;
        },
        close: () => store.close(),
      };
    }
    case 'esdb': {
      const connectionString = config.eventStoreConnectionString!;
      // Its event-id index lives in the ledger's database, like the ledger's own esdb store.
      const store = createEsdbEventStore({ connectionString, pool: database.pool });
      const description = `esdb ${describeEventStore(connectionString)}`;
      await store.ping().catch((error: unknown) => {
        void store.close();
        throw new OperatorError(`${description} did not answer (${error instanceof Error ? error.message : String(error)})`);
      });
      return { kind, store, description, close: () => store.close() };
    }
  }
}
