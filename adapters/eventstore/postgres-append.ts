import type pg from 'pg';
import { WrongExpectedRevisionError, type AppendResult, type ExpectedRevision, type NewEvent } from '../../domain/ports/event-store.ts';
import { categoryOf } from './postgres-schema.ts';

/**
 * The body of an append, run inside a transaction the caller opened on `client` (validated
 * input, ids in lower case). Split from the BEGIN/COMMIT so that a test can hold an append's
 * transaction open and commit it out of order with the exact statements the store runs.
 */
export async function appendWithinTransaction(
  client: pg.ClientBase,
  stream: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): Promise<AppendResult & { written: boolean }> {
  // The stream's lock comes first, before any statement that writes (DESIGN, "Global order in
  // Postgres", consequence 1). A transaction gets its id from its first write, and the global
  // log is ordered by that id: an append that wrote anything (say, created the stream's row)
  // before queueing for the lock would carry an id older than the appends ahead of it in the
  // queue, and readers of the global log would see this stream's revision 11 before its 10.
  // An advisory lock assigns no id, so ids follow the order in which appends hold the lock.
  // It is released at commit, after the commit is visible; the statements below take fresh
  // snapshots (READ COMMITTED) and so see what the previous holder wrote.
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [stream]);
  const row = await client.query<{ revision: bigint }>('SELECT revision FROM streams WHERE stream_name = $1', [stream]);
  const current = row.rows[0]?.revision ?? -1n;

  // An id repeated within one call is a duplicate of its first occurrence.
  const ids = [...new Set(events.map((event) => event.id))];
  const claimed = await claimEventIds(client, stream, ids);
  const fresh: NewEvent[] = [];
  const duplicates: string[] = [];
  for (const event of events) {
    if (claimed.delete(event.id)) fresh.push(event);
    else duplicates.push(event.id);
  }

  // Pure redelivery succeeds whatever the expected revision: the events are already stored.
  if (fresh.length === 0 && events.length > 0) return { nextRevision: current, appended: [], duplicates, written: false };

  const conflict =
    (expected === 'no_stream' && current !== -1n) ||
    (expected === 'stream_exists' && current === -1n) ||
    (typeof expected === 'bigint' && current !== expected);
  // The caller's ROLLBACK also releases the claims just taken.
  if (conflict) throw new WrongExpectedRevisionError(stream, expected, current);
  if (fresh.length === 0) return { nextRevision: current, appended: [], duplicates, written: false };

  // One statement for the batch; WITH ORDINALITY + ORDER BY gives revisions and global
  // positions in the caller's order.
  const payload = fresh.map((event) => ({ id: event.id, type: event.type, data: event.data, metadata: event.metadata ?? {} }));
  await client.query(
    `INSERT INTO events (stream_name, stream_revision, event_id, event_type, data, metadata)
     SELECT $1, $2::bigint + e.ord, (e.value->>'id')::uuid, e.value->>'type', e.value->'data', e.value->'metadata'
       FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, ord)
      ORDER BY e.ord`,
    [stream, String(current), JSON.stringify(payload)],
  );
  const nextRevision = current + BigInt(fresh.length);
  await client.query(
    'INSERT INTO streams (stream_name, revision) VALUES ($1, $2) ON CONFLICT (stream_name) DO UPDATE SET revision = EXCLUDED.revision',
    [stream, String(nextRevision)],
  );
  return { nextRevision, appended: fresh.map((event) => event.id), duplicates, written: true };
}

/**
 * Claims `ids` for the stream's category (`event_id_claims`, migration 004) and returns those
 * this call claimed; the rest some stream of the category already holds. An id another
 * transaction is claiming right now is waited for: taken if it commits, ours if it aborts.
 * Claims are taken in id order, so two appends sharing several ids queue instead of deadlocking.
 */
async function claimEventIds(client: pg.ClientBase, stream: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await client.query<{ event_id: string }>(
    `INSERT INTO event_id_claims (category, event_id, stream_name)
     SELECT ${categoryOf('$1::text')}, id, $1 FROM unnest($2::uuid[]) AS id ORDER BY id
     ON CONFLICT (category, event_id) DO NOTHING
     RETURNING event_id::text`,
    [stream, ids],
  );
  return new Set(rows.map((claim) => claim.event_id));
}
