import { pino, type Logger } from 'pino';
import { withoutQuotedLiterals } from './describe-error.ts';

export type { Logger };

/**
 * Paths whose values never reach a log line: secrets, signatures, API keys, emails.
 * pino's wildcard matches one level, so the common nestings are listed.
 */
const REDACT_PATHS = [
  'secret', '*.secret', 'secrets', '*.secrets',
  'apiKey', '*.apiKey', 'api_key', '*.api_key',
  'signature', '*.signature', 'stripeSignature', '*.stripeSignature',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  'headers["stripe-signature"]', '*.headers["stripe-signature"]',
  'email', '*.email', '*.*.email', 'customer_email', '*.customer_email',
  'password', '*.password', 'databaseUrl', '*.databaseUrl',
  'stripeSecretKey', '*.stripeSecretKey', 'webhookSecrets', '*.webhookSecrets',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'billing-ledger' },
      serializers: { err: serializeError, error: serializeError },
    },
    destination as pino.DestinationStream | undefined,
  );
}

/**
 * The fields of an error that say what failed without quoting what it failed on: Postgres's
 * SQLSTATE, severity, routine and the names of the objects involved, and a network error's
 * syscall and address. Everything else is left out, above all Postgres's `detail` ("Key
 * (email)=(...) already exists"), `where` (the JSON around a bad character, a query's
 * parameters), `hint` and `internalQuery`, which quote the data of the event being stored.
 */
const KEPT_ERROR_FIELDS = [
  'code', 'severity', 'routine', 'schema', 'table', 'column', 'dataType', 'constraint',
  'errno', 'syscall', 'address', 'port', 'statusCode',
] as const;

/** How many causes deep an error is followed (a cause chain can loop). */
const MAX_CAUSES = 5;

/**
 * An error as a log line may show it: its name and kept fields, its message and stack with every
 * quoted literal blanked (Postgres quotes the offending value: `invalid input syntax for type
 * integer: "someone@example.com"`), and its causes the same way.
 */
export function serializeError(error: unknown, causes = 0): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const source = error as Record<string, unknown>;
  const name = typeof source.name === 'string' ? source.name : 'Error';
  const message = withoutQuotedLiterals(typeof source.message === 'string' ? source.message : '');
  const serialized: Record<string, unknown> = { type: error.constructor?.name ?? 'Object', name, message };
  for (const field of KEPT_ERROR_FIELDS) {
    const value = source[field];
    if (typeof value === 'string' || typeof value === 'number') serialized[field] = value;
  }
  if (typeof source.stack === 'string') serialized.stack = stackFrames(name, message, source.stack);
  if (source.cause !== undefined && causes < MAX_CAUSES) serialized.cause = serializeError(source.cause, causes + 1);
  if (Array.isArray(source.errors) && causes < MAX_CAUSES) serialized.errors = source.errors.slice(0, 10).map((inner) => serializeError(inner, causes + 1));
  return serialized;
}

/** The stack's frames under a first line rebuilt from the cleaned message, which it would otherwise repeat. */
function stackFrames(name: string, message: string, stack: string): string {
  const frames = stack.indexOf('\n    at ');
  return `${name}: ${message}${frames === -1 ? '' : stack.slice(frames)}`;
}
