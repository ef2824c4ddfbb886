import type pg from 'pg';
import { appendBatch, type AppendOutcome, type AppendRequest } from './postgres-append.ts';

export interface GroupCommitOptions {
  /** Most appends in one transaction. */
  readonly maxBatch: number;
  /** Most transactions in flight at once; the appends arriving meanwhile wait and form the next batch. */
  readonly maxInFlight: number;
}

interface Waiting {
  readonly request: AppendRequest;
  readonly resolve: (outcome: AppendOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: appends that arrive while earlier ones are being written share the next
 * transaction, so many webhooks pay for one commit (and one fsync) instead of one each. An
 * append alone is sent at once; batches form only under load. Each caller's promise settles
 * after the call that holds its append returned, that is after its commit.
 *
 * A batch that fails as a whole wrote nothing. When the failure was the database refusing the
 * statement (a deadlock on a shared event id, a value it rejects), not a lost connection or a
 * timeout, each of its appends is tried again alone, so one caller's bad luck or bad input is
 * not the others'.
 */
export function createGroupCommit(pool: pg.Pool, options: GroupCommitOptions): (request: AppendRequest) => Promise<AppendOutcome> {
  const queue: Waiting[] = [];
  let inFlight = 0;

  const pump = () => {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight += 1;
      void send(batch).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  };

  const send = async (batch: Waiting[]) => {
    try {
      const outcomes = await appendBatch(pool, batch.map((waiting) => waiting.request));
      batch.forEach((waiting, index) => waiting.resolve(outcomes[index]!));
    } catch (error) {
      if (batch.length === 1 || !refusedStatement(error)) {
        for (const waiting of batch) waiting.reject(error);
        return;
      }
      await Promise.all(batch.map(async (waiting) => {
        try {
          const [outcome] = await appendBatch(pool, [waiting.request]);
          waiting.resolve(outcome!);
        } catch (alone) {
          waiting.reject(alone);
        }
      }));
    }
  };

  return (request) =>
    new Promise<AppendOutcome>((resolve, reject) => {
      queue.push({ request, resolve, reject });
      pump();
    });
}

/**
 * The server answered the statement with an error and rolled it back, and the same append
 * alone may well succeed. Not: a lost connection (no SQLSTATE, or classes 08 and 57, where a
 * commit's outcome can be unknown), resources (53) or a lock or statement timeout (55P03,
 * 57014), which would only make every caller wait again.
 */
function refusedStatement(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|53|57)/.test(code) && code !== '55P03';
}
