import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { AnyDb } from './database.ts';
import { eventIdClaims, eventStoreAppendFunction, eventStoreTables } from '../eventstore/postgres-schema.ts';
import { tenantsAndCheckpoints } from './migrations/001-tenants-and-checkpoints.ts';
import { plans } from './migrations/002-plans.ts';
import { projectionVersionsAndDeadLetters } from './migrations/005-projection-versions-and-dead-letters.ts';
import { esdbEventIdClaims } from './migrations/006-esdb-event-id-claims.ts';
import { eventLog } from './migrations/007-event-log.ts';
import { apiKeys } from './migrations/008-api-keys.ts';
import { emailOutbox } from '../email/outbox-table.ts';
import { simulatedServers } from '../vps/simulated-vps-table.ts';
import { simulatedDnsRecords } from '../dns/simulated-dns-table.ts';
import { vpsOrders } from '../vps/vps-orders-table.ts';

/**
 * Every table the ledger owns (the event store's, tenants, checkpoints, plans), in one ordered
 * list run by Kysely's migrator: each runs once per database, in name order, all pending ones in
 * one transaction under the migrator's lock, so instances starting together take turns.
 * Projection tables are not here: they are rebuilt from the log when their version changes.
 * Names are permanent; a change is a new entry at the end.
 */
const migrations: Record<string, Migration> = {
  '001-tenants-and-checkpoints': tenantsAndCheckpoints,
  '002-plans': plans,
  '003-event-store': eventStoreTables,
  '004-event-id-claims': eventIdClaims,
  '005-projection-versions-and-dead-letters': projectionVersionsAndDeadLetters,
  '006-esdb-event-id-claims': esdbEventIdClaims,
  '007-event-log': eventLog,
  '008-api-keys': apiKeys,
  '009-email-outbox': emailOutbox,
  '010-simulated-servers': simulatedServers,
  '011-simulated-dns-records': simulatedDnsRecords,
  '012-vps-orders': vpsOrders,
  '013-event-store-append-function': eventStoreAppendFunction,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Applies the pending migrations in order; returns the names newly applied. `upTo` stops after
 * the named one (tests build an older release's schema with it).
 */
export async function migrateDatabase(db: AnyDb, options: { upTo?: string } = {}): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = options.upTo ? await migrator.migrateTo(options.upTo) : await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
