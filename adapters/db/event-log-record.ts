import type { Kysely } from 'kysely';

/** The log the read models were built from, as `event_log` records it. */
export interface EventLogRecord {
  readonly storeKind: string;
  /** `<event id>@<commit>/<prepare>` of the log's first event; null while the log was empty. */
  readonly firstEvent: string | null;
}

type EventLogTables = { event_log: { id: boolean; store_kind: string; first_event: string | null; adopted_at: Date } };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const table = (db: Kysely<any>) => db.withTables<EventLogTables>();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function readEventLogRecord(db: Kysely<any>): Promise<EventLogRecord | null> {
  const row = await table(db).selectFrom('event_log').select(['store_kind', 'first_event']).executeTakeFirst();
  return row ? { storeKind: row.store_kind, firstEvent: row.first_event } : null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function writeEventLogRecord(db: Kysely<any>, record: EventLogRecord): Promise<void> {
  await table(db)
    .insertInto('event_log')
    .values({ id: true, store_kind: record.storeKind, first_event: record.firstEvent })
    .onConflict((c) => c.column('id').doUpdateSet({ store_kind: record.storeKind, first_event: record.firstEvent, adopted_at: new Date() }))
    .execute();
}
