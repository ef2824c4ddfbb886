import { pino, type Logger } from 'pino';

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
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'billing-ledger' } },
    destination as pino.DestinationStream | undefined,
  );
}
