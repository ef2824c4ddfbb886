/**
 * Why a database call failed, in words an operator acts on and safe to log or show on /readyz:
 * built from the error's code (SQLSTATE or Node's network code) and pg's fixed messages only,
 * never from a server message, whose text or detail can quote the data that was being written.
 */
export type DatabaseFailureKind =
  | 'connection'
  | 'lock_timeout'
  | 'statement_timeout'
  | 'idle_in_transaction_timeout'
  | 'authentication'
  | 'unknown_database'
  | 'other';

export interface DatabaseFailure {
  readonly kind: DatabaseFailureKind;
  /** e.g. "connection refused", "lock timeout", "sqlstate 23505". */
  readonly reason: string;
}

const BY_CODE: Readonly<Record<string, DatabaseFailure>> = {
  ECONNREFUSED: { kind: 'connection', reason: 'connection refused' },
  ECONNRESET: { kind: 'connection', reason: 'connection reset' },
  EPIPE: { kind: 'connection', reason: 'connection lost' },
  ETIMEDOUT: { kind: 'connection', reason: 'connection timed out' },
  EHOSTUNREACH: { kind: 'connection', reason: 'host unreachable' },
  ENETUNREACH: { kind: 'connection', reason: 'network unreachable' },
  ENOTFOUND: { kind: 'connection', reason: 'host not found' },
  EAI_AGAIN: { kind: 'connection', reason: 'host name lookup failed' },
  '55P03': { kind: 'lock_timeout', reason: 'lock timeout' },
  '25P03': { kind: 'idle_in_transaction_timeout', reason: 'idle-in-transaction timeout' },
  '57P01': { kind: 'connection', reason: 'connection terminated by the server' },
  '57P02': { kind: 'connection', reason: 'connection terminated by the server (crash)' },
  '57P03': { kind: 'connection', reason: 'the server is starting up or shutting down' },
  '53300': { kind: 'connection', reason: 'too many connections' },
  '28P01': { kind: 'authentication', reason: 'password authentication failed' },
  '28000': { kind: 'authentication', reason: 'not allowed to connect (unknown user, or refused by pg_hba.conf)' },
  '3D000': { kind: 'unknown_database', reason: 'the database does not exist' },
};

/** pg's own messages for a connection lost or never made; they carry no code. */
const PG_MESSAGES: readonly [RegExp, DatabaseFailure][] = [
  [/timeout exceeded when trying to connect|connection timeout/i, { kind: 'connection', reason: 'no connection within the connect timeout' }],
  [/^Connection terminated/, { kind: 'connection', reason: 'connection lost' }],
  [/not queryable|^Client was closed/, { kind: 'connection', reason: 'connection lost' }],
];

export function describeDatabaseError(error: unknown): DatabaseFailure {
  if (error instanceof AggregateError && error.errors.length) return describeDatabaseError(error.errors[0]);
  if (!(error instanceof Error)) return { kind: 'other', reason: 'unexpected error' };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    const known = BY_CODE[code];
    if (known) return known;
    // 57014 is also a cancel request; only the server's fixed message tells the two apart.
    if (code === '57014') {
      return /statement timeout/.test(error.message)
        ? { kind: 'statement_timeout', reason: 'statement timeout' }
        : { kind: 'other', reason: 'statement canceled' };
    }
    if (code.startsWith('08')) return { kind: 'connection', reason: `connection failure (sqlstate ${code})` };
    if (code.startsWith('53')) return { kind: 'connection', reason: `server out of resources (sqlstate ${code})` };
    if (/^[0-9A-Z]{5}$/.test(code)) return { kind: 'other', reason: `sqlstate ${code}` };
  }
  for (const [pattern, failure] of PG_MESSAGES) if (pattern.test(error.message)) return failure;
  const cause = (error as { cause?: unknown }).cause;
  if (cause) return describeDatabaseError(cause);
  return { kind: 'other', reason: 'unexpected error' };
}
