/** Beyond two epochs of 2^32 transaction ids: no test server will reach it. */
export const FAR_AHEAD = 9_000_000_000n;

/** Stores an event as a logical restore from a busier cluster leaves it: with a transaction id this server has not reached. */
export async function insertEventFromAnotherCluster(query: (sql: string, params: unknown[]) => Promise<unknown>): Promise<void> {
  await query(
    `INSERT INTO events (transaction_id, stream_name, stream_revision, event_id, event_type, data)
     VALUES ($1::text::xid8, 'tenant-restored', 0, '00000000-0000-4000-8000-0000000e5701', 'InvoicePaid', '{}')`,
    [String(FAR_AHEAD)],
  );
}
