import type pg from 'pg';
import { WrongExpectedRevisionError, type AppendResult, type ExpectedRevision, type NewEvent } from '../../domain/ports/event-store.ts';

/** One caller's append, validated (ids in lower case). */
export interface AppendRequest {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
}

export type AppendOutcome = (AppendResult & { written: boolean }) | WrongExpectedRevisionError;

type Queryable = Pick<pg.ClientBase, 'query'>;

// Named, so each connection parses and plans it once.
const APPEND_STATEMENT = { name: 'ledger-append', text: 'SELECT ledger_append($1::jsonb) AS results' };

/**
 * Runs `requests` as one call of the server-side append (`ledger_append`, postgres-schema.ts),
 * which holds the whole logic: stream locks before any write, duplicate claims per category,
 * exact expected revisions. On a pool it is one statement in its own transaction, answered
 * only after that transaction commits; on a client inside BEGIN it joins the caller's
 * transaction (a test holds an append open that way). A conflict is returned for its own
 * append only; any other error is the whole call's, and nothing of it was written.
 */
export async function appendBatch(queryable: Queryable, requests: readonly AppendRequest[]): Promise<AppendOutcome[]> {
  const payload = requests.map(({ stream, events, expected }) => ({
    stream,
    expected: typeof expected === 'bigint' ? expected.toString() : expected,
    events: events.map((event) => ({ id: event.id, type: event.type, data: event.data, metadata: event.metadata ?? {} })),
  }));
  const { rows } = await queryable.query<{ results: ServerOutcome[] }>({ ...APPEND_STATEMENT, values: [JSON.stringify(payload)] });
  const outcomes = rows[0]?.results ?? [];
  if (outcomes.length !== requests.length) throw new Error(`ledger_append answered ${outcomes.length} outcomes for ${requests.length} appends`);
  return outcomes.map((outcome, index) => toOutcome(requests[index]!, outcome));
}

interface ServerOutcome {
  readonly revision: string;
  readonly conflict?: true;
  readonly fresh?: readonly string[];
}

function toOutcome(request: AppendRequest, outcome: ServerOutcome): AppendOutcome {
  const current = BigInt(outcome.revision);
  if (outcome.conflict) return new WrongExpectedRevisionError(request.stream, request.expected, current);
  // An id repeated within one call is a duplicate of its first occurrence.
  const fresh = new Set(outcome.fresh ?? []);
  const appended: string[] = [];
  const duplicates: string[] = [];
  for (const event of request.events) {
    if (fresh.delete(event.id)) appended.push(event.id);
    else duplicates.push(event.id);
  }
  return { nextRevision: current, appended, duplicates, written: appended.length > 0 };
}

/**
 * One append inside a transaction the caller opened on `client`: the same server-side call, so
 * a test can hold an append's transaction open and commit it out of order with exactly what
 * the store runs.
 */
export async function appendWithinTransaction(
  client: pg.ClientBase,
  stream: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): Promise<AppendResult & { written: boolean }> {
  const [outcome] = await appendBatch(client, [{ stream, events, expected }]);
  if (outcome instanceof WrongExpectedRevisionError) throw outcome;
  return outcome!;
}
