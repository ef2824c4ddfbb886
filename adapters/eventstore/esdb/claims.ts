import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { NewEvent } from '../../../domain/ports/event-store.ts';
import { categoryOf } from '../postgres-schema.ts';

/*
 * DESIGN: event ids claimed in Postgres, beside an EventStoreDB log.
 *
 * The port promises that an event id is unique within its stream's category: a redelivered
 * Stripe event is reported as a duplicate and stored nowhere again, whatever the expected
 * revision, for as long as Stripe redelivers (three days). EventStoreDB cannot keep that
 * promise. Its idempotency is an optimisation of retries: it remembers recent event ids in a
 * bounded cache, checks them only against the same stream, and for some expected revisions
 * answers a repeat with a wrong-expected-version error instead of success. Nor can the
 * consumers: a projection can skip an id it has seen, but the log would still hold the event
 * twice, in two tenants' streams, for every later reader and every rebuild. So the adapter
 * keeps an index of its own, in the Postgres database the ledger already runs: one row per
 * (category, event id), table `esdb_event_id_claims` (migration 006).
 *
 * Writing to two stores cannot be one transaction, so each claim moves through states that
 * say what is known at every moment a process could die:
 *
 * 1. claim: insert the row `pending` with a token of this call and `attempted_at`, committed
 *    at once. The primary key lets exactly one of several concurrent callers win an id.
 * 2. append the events whose claims this call holds to EventStoreDB.
 * 3. confirm: mark them `stored`. A definite refusal (wrong expected revision, too large)
 *    deletes the pending claims instead, so a failed append never blocks a later one.
 *
 * A caller that finds another call's `pending` claim does not know whether that call is still
 * working or died between 2 and 3, so it reads the claimed stream for the id: found means the
 * append happened (the claim is marked `stored`, the id is a duplicate). Not found is only
 * trusted once the claim is older than `inDoubtMs`: until then its owner may still be appending,
 * or its write may still be on its way into the server, and the caller waits (up to `waitMs`,
 * then fails, so the webhook is answered 503 and Stripe retries). An older claim is taken over
 * by compare-and-set on its token and appended by the new owner. The owner refreshes its own
 * claim (compare-and-set again) right before appending when it has held it a while, and every
 * append has a deadline well inside `inDoubtMs`, so no claim is taken over while its owner's
 * write can still land.
 *
 * No Postgres transaction stays open across a call to EventStoreDB, and every statement here
 * runs on its own: nothing holds the embedded store's single connection while waiting for the
 * log server, and two deliveries of one Stripe event serialise on the claim, not on a lock.
 * A caller waiting for another's claim first releases the claims it holds, so two calls that
 * share ids cannot wait for each other.
 */

export interface ClaimSettings {
  readonly pool: pg.Pool;
  /** How old another call's pending claim must be before its absence from the log is trusted. */
  readonly inDoubtMs: number;
  /** How long a call waits for another call's pending claims before it fails. */
  readonly waitMs: number;
}

/** The log, as far as resolving a pending claim needs it. */
export interface ClaimedLog {
  holds(stream: string, eventId: string): Promise<boolean>;
}

export interface Claimed {
  /** The events this call holds the claims of (each id once), in the caller's order: append them now. */
  readonly fresh: readonly NewEvent[];
  /** Ids the category already holds, and repeats within the call, in the caller's order. */
  readonly duplicates: readonly string[];
  /** After the append: the claims are `stored`. */
  confirm(): Promise<void>;
  /** After a definite refusal of the append: the claims are gone. */
  release(): Promise<void>;
}

/** A claim held this long is refreshed before its owner appends. */
const REFRESH_AFTER_FRACTION = 0.1;

interface ClaimRow {
  event_id: string;
  stream_name: string;
  state: 'pending' | 'stored';
  claim_token: string;
  stale: boolean;
}

/**
 * Claims the ids of `events` (validated, ids in lower case) for `stream`'s category and sorts
 * the events into those to append and the duplicates. See the design note above.
 */
export async function claimEventIds(settings: ClaimSettings, log: ClaimedLog, stream: string, events: readonly NewEvent[]): Promise<Claimed> {
  const { pool, inDoubtMs, waitMs } = settings;
  const ids = [...new Set(events.map((event) => event.id))];
  const token = randomUUID();
  /** Ids whose claims this call holds, with when (locally) it last wrote `attempted_at`, an upper bound of the claim's age. */
  const mine = new Map<string, number>();
  const stored = new Set<string>();
  const started = performance.now();
  let waits = 0;

  for (;;) {
    const open = ids.filter((id) => !mine.has(id) && !stored.has(id));
    let waiting = false;
    let again = false;
    if (open.length > 0) {
      const sentAt = performance.now();
      const won = await insertClaims(pool, stream, open, token);
      for (const id of won) mine.set(id, sentAt);
      const others = open.filter((id) => !won.has(id));
      if (others.length > 0) {
        const rows = await selectClaims(pool, stream, others, inDoubtMs);
        // A claim released since the insert: claim it on the next round.
        if (rows.length < others.length) again = true;
        for (const row of rows) {
          if (row.state === 'stored') {
            stored.add(row.event_id);
          } else if (await log.holds(row.stream_name, row.event_id)) {
            // Its owner appended and died before confirming.
            await markStored(pool, stream, row);
            stored.add(row.event_id);
          } else if (row.stale) {
            const takenAt = performance.now();
            if (await takeOver(pool, stream, row, token, inDoubtMs)) mine.set(row.event_id, takenAt);
            else again = true;
          } else {
            waiting = true;
          }
        }
      }
    }
    if (waiting || again) {
      if (performance.now() - started > waitMs) {
        await releaseClaims(pool, stream, [...mine.keys()], token);
        const busy = open.filter((id) => !mine.has(id) && !stored.has(id));
        throw new Error(
          `append to ${stream}: event ${busy.join(', ')} is being appended by another call, or was less than ${inDoubtMs} ms ago by one that failed; try again later`,
        );
      }
      if (waiting) {
        // Never hold a claim while waiting for another's: see the design note.
        await releaseClaims(pool, stream, [...mine.keys()], token);
        mine.clear();
        await sleep(backoffMs(waits++));
      }
      continue;
    }

    const aged = [...mine].filter(([, at]) => performance.now() - at > inDoubtMs * REFRESH_AFTER_FRACTION).map(([id]) => id);
    if (aged.length > 0) {
      const refreshedAt = performance.now();
      const kept = await refreshClaims(pool, stream, aged, token);
      for (const id of aged) {
        if (kept.has(id)) mine.set(id, refreshedAt);
        else mine.delete(id);
      }
      // Taken over while this call waited: decide that id again.
      if (kept.size < aged.length) continue;
    }
    break;
  }

  const fresh: NewEvent[] = [];
  const duplicates: string[] = [];
  const taken = new Set<string>();
  for (const event of events) {
    if (mine.has(event.id) && !taken.has(event.id)) {
      taken.add(event.id);
      fresh.push(event);
    } else {
      duplicates.push(event.id);
    }
  }
  const held = [...mine.keys()];
  return {
    fresh,
    duplicates,
    confirm: () => confirmClaims(pool, stream, held, token),
    release: () => releaseClaims(pool, stream, held, token),
  };
}

const CATEGORY = categoryOf('$1::text');

async function insertClaims(pool: pg.Pool, stream: string, ids: readonly string[], token: string): Promise<Set<string>> {
  // In id order, so two calls inserting overlapping ids queue instead of deadlocking.
  const { rows } = await pool.query<{ event_id: string }>(
    `INSERT INTO esdb_event_id_claims (category, event_id, stream_name, state, claim_token, attempted_at)
     SELECT ${CATEGORY}, id, $1, 'pending', $3, clock_timestamp() FROM unnest($2::uuid[]) AS id ORDER BY id
     ON CONFLICT (category, event_id) DO NOTHING
     RETURNING event_id::text`,
    [stream, ids, token],
  );
  return new Set(rows.map((row) => row.event_id));
}

async function selectClaims(pool: pg.Pool, stream: string, ids: readonly string[], inDoubtMs: number): Promise<ClaimRow[]> {
  const { rows } = await pool.query<ClaimRow>(
    `SELECT event_id::text, stream_name, state, claim_token::text,
            attempted_at < clock_timestamp() - $3::double precision * interval '1 millisecond' AS stale
       FROM esdb_event_id_claims WHERE category = ${CATEGORY} AND event_id = ANY($2::uuid[])`,
    [stream, ids, inDoubtMs],
  );
  return rows;
}

async function markStored(pool: pg.Pool, stream: string, row: ClaimRow): Promise<void> {
  await pool.query(
    `UPDATE esdb_event_id_claims SET state = 'stored', stored_at = clock_timestamp()
      WHERE category = ${CATEGORY} AND event_id = $2 AND claim_token = $3 AND state = 'pending'`,
    [stream, row.event_id, row.claim_token],
  );
}

/** Compare-and-set on the old owner's token, and only while the claim is still stale. */
async function takeOver(pool: pg.Pool, stream: string, row: ClaimRow, token: string, inDoubtMs: number): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE esdb_event_id_claims SET stream_name = $1, claim_token = $4, attempted_at = clock_timestamp()
      WHERE category = ${CATEGORY} AND event_id = $2 AND claim_token = $3 AND state = 'pending'
        AND attempted_at < clock_timestamp() - $5::double precision * interval '1 millisecond'`,
    [stream, row.event_id, row.claim_token, token, inDoubtMs],
  );
  return rowCount === 1;
}

async function refreshClaims(pool: pg.Pool, stream: string, ids: readonly string[], token: string): Promise<Set<string>> {
  const { rows } = await pool.query<{ event_id: string }>(
    `UPDATE esdb_event_id_claims SET attempted_at = clock_timestamp()
      WHERE category = ${CATEGORY} AND event_id = ANY($2::uuid[]) AND claim_token = $3 AND state = 'pending'
      RETURNING event_id::text`,
    [stream, ids, token],
  );
  return new Set(rows.map((row) => row.event_id));
}

async function confirmClaims(pool: pg.Pool, stream: string, ids: readonly string[], token: string): Promise<void> {
  if (ids.length === 0) return;
  await pool.query(
    `UPDATE esdb_event_id_claims SET state = 'stored', stored_at = clock_timestamp()
      WHERE category = ${CATEGORY} AND event_id = ANY($2::uuid[]) AND claim_token = $3`,
    [stream, ids, token],
  );
}

async function releaseClaims(pool: pg.Pool, stream: string, ids: readonly string[], token: string): Promise<void> {
  if (ids.length === 0) return;
  await pool.query(
    `DELETE FROM esdb_event_id_claims
      WHERE category = ${CATEGORY} AND event_id = ANY($2::uuid[]) AND claim_token = $3 AND state = 'pending'`,
    [stream, ids, token],
  );
}

/** 10 ms doubling to 200 ms, with jitter so that two waiting calls do not retry in step. */
function backoffMs(attempt: number): number {
  const ceiling = Math.min(200, 10 * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
