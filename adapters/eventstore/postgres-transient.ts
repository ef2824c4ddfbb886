/**
 * Errors that say "the database is unreachable or restarting right now", which a reader can
 * wait out. Anything else (a missing table, a bad query, a pool that was ended) will not fix
 * itself, and retrying it would hide the fault.
 */

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

const SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is stopping, or our backend was terminated
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '57014', // query_canceled (statement timeout)
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/** Messages `pg` uses for a connection lost or never made, which carry no code. */
const PG_MESSAGES = [/^Connection terminated/, /timeout exceeded when trying to connect/, /^Client has encountered a connection error/];

export function isTransientPostgresError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SQLSTATES.has(code)) return true;
    if (code.startsWith('08')) return true; // connection_exception
    if (code.startsWith('53')) return true; // insufficient_resources: out of memory, connections, disk
  }
  // A failed connect can arrive wrapped (AggregateError from a multi-address connect).
  if (error instanceof AggregateError) return error.errors.some(isTransientPostgresError);
  return PG_MESSAGES.some((pattern) => pattern.test(error.message));
}
