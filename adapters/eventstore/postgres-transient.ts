import { describeDatabaseError, type DatabaseFailureKind } from '../db/database-errors.ts';

/**
 * Errors that say "the database cannot do this right now", which a reader or a projection waits
 * out: the server unreachable or restarting, our connection lost, a lock or a statement that
 * timed out behind someone else's work. Anything else (a missing table, a bad query, a value
 * the database refuses, a pool that was ended) will not fix itself, and retrying it would hide
 * the fault; for a projection it is a reason to set the event aside.
 */
const WAITED_OUT: ReadonlySet<DatabaseFailureKind> = new Set(['connection', 'lock_timeout', 'statement_timeout', 'idle_in_transaction_timeout']);

/** A transaction's bad luck, which retrying cures: serialization failure, deadlock, a cancel request. */
const RETRIED_SQLSTATES: ReadonlySet<string> = new Set(['40001', '40P01', '57014']);

export function isTransientPostgresError(error: unknown): boolean {
  if (WAITED_OUT.has(describeDatabaseError(error).kind)) return true;
  if (error instanceof AggregateError) return error.errors.some(isTransientPostgresError);
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && RETRIED_SQLSTATES.has(code);
}
