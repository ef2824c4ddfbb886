import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { OperatorError } from '../domain/operator-error.ts';
import { DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from '../adapters/db/pool.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const emptyAsUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalString = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUndefined, schema.optional());
/** A duration in whole milliseconds; never 0, which Postgres and pg read as "wait forever". */
const milliseconds = (fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(3_600_000).default(fallback));

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(['development', 'test', 'production']).default('development')),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./.data')),
  DATABASE_URL: optionalString(
    z.string().refine((v) => /^postgres(ql)?:\/\/.+/.test(v) && URL.canParse(v), 'must be a postgres:// or postgresql:// URL'),
  ),
  EVENTSTORE_CONNECTION_STRING: optionalString(
    z.string().refine((v) => /^(esdb|kurrentdb|kurrent|kdb)(\+discover)?:\/\/.+/i.test(v), 'must be an esdb:// (or kurrentdb://) connection string, e.g. esdb://127.0.0.1:2113?tls=false'),
  ),
  STRIPE_SECRET_KEY: optionalString(
    z.string().refine((v) => /^(sk|rk)_(test|live)_\w+$/.test(v), 'must be a Stripe secret key (sk_test_..., sk_live_... or rk_...)'),
  ),
  STRIPE_WEBHOOK_SIGNING_SECRET: optionalString(
    z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .refine((list) => list.length > 0 && list.every((s) => /^whsec_\w+$/.test(s)), 'must be one or more whsec_... secrets, comma-separated'),
  ),
  STRIPE_API_BASE: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).default('https://api.stripe.com')),
  PLAN_CATALOG_FILE: optionalString(z.string()),
  APP_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).default('http://localhost:3000')),
  BILLING_REDIRECT_ORIGINS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('')
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .refine((list) => list.every((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol) && new URL(s).origin === s.replace(/\/$/, '')), 'must be comma-separated origins such as https://app.example.com (scheme, host and port only)'),
  ),
  STRIPE_AUTOMATIC_TAX: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('false').transform((v) => v === 'true')),
  STRIPE_TIMEOUT_MS: milliseconds(10_000),
  STRIPE_MAX_NETWORK_RETRIES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(5).default(2)),
  STRIPE_BREAKER_VOLUME_THRESHOLD: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1000).default(5)),
  STRIPE_BREAKER_RESET_MS: milliseconds(30_000),
  BILLING_RATE_LIMIT_MAX: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100_000).default(10)),
  BILLING_RATE_LIMIT_WINDOW_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(86_400).default(60)),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(LOG_LEVELS).default('info')),
  PROJECTION_RETRY_ATTEMPTS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100).default(3)),
  RUN_PROJECTIONS: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('true').transform((v) => v === 'true')),
  PROJECTION_STALL_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(86_400).default(60)),
  DB_STATEMENT_TIMEOUT_MS: milliseconds(DEFAULT_DATABASE_TIMEOUTS.statementMs),
  DB_LOCK_TIMEOUT_MS: milliseconds(DEFAULT_DATABASE_TIMEOUTS.lockMs),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: milliseconds(DEFAULT_DATABASE_TIMEOUTS.idleInTransactionMs),
  DB_CONNECT_TIMEOUT_MS: milliseconds(DEFAULT_DATABASE_TIMEOUTS.connectMs),
  SHUTDOWN_TIMEOUT_MS: milliseconds(10_000),
});

export interface Config {
  readonly nodeEnv: 'development' | 'test' | 'production';
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly eventStoreConnectionString: string | undefined;
  readonly stripeSecretKey: string | undefined;
  /** Configured secrets; empty outside production means "use the generated dev secret". */
  readonly webhookSecrets: readonly string[];
  readonly stripeApiBase: string;
  readonly planCatalogFile: string;
  /** Where tenants' users work: the portal returns there, and it is an allowed redirect origin. */
  readonly appUrl: string;
  /** Origins Checkout may redirect to: APP_URL's and BILLING_REDIRECT_ORIGINS. */
  readonly billingRedirectOrigins: readonly string[];
  readonly stripeAutomaticTax: boolean;
  readonly stripeTimeoutMs: number;
  readonly stripeMaxNetworkRetries: number;
  readonly stripeBreaker: { readonly volumeThreshold: number; readonly resetTimeoutMs: number };
  /** Checkout and portal sessions a tenant may create per window, each. */
  readonly billingRateLimit: { readonly max: number; readonly windowSeconds: number };
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Tries a projection gives an event before setting it aside. */
  readonly projectionRetryAttempts: number;
  /** How long a projection may stand still with events waiting before /readyz and the log call it stalled. */
  readonly projectionStallSeconds: number;
  /** Whether `serve` runs the projections and the re-router itself (false: `ledger projections run` does, elsewhere). */
  readonly runProjections: boolean;
  readonly databaseTimeouts: DatabaseTimeouts;
  /** How long `serve` may take to stop on SIGTERM/SIGINT before it gives up and exits 1. */
  readonly shutdownTimeoutMs: number;
}

export class ConfigError extends OperatorError {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export const DEFAULT_PLAN_CATALOG_FILE = resolve(import.meta.dirname, '../config/plan-catalogue.json');

/** Reads every setting from the environment; reports all problems at once, not the first one. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  // Checks across variables run even when some failed above, so one message names everything.
  if (env.NODE_ENV === 'production' && !env.STRIPE_WEBHOOK_SIGNING_SECRET?.trim()) {
    problems.push('STRIPE_WEBHOOK_SIGNING_SECRET: required when NODE_ENV=production (the whsec_... secret of your Stripe webhook endpoint)');
  }
  const planCatalogFile = env.PLAN_CATALOG_FILE?.trim() ? resolve(env.PLAN_CATALOG_FILE.trim()) : DEFAULT_PLAN_CATALOG_FILE;
  if (!existsSync(planCatalogFile)) problems.push(`PLAN_CATALOG_FILE: ${planCatalogFile} does not exist`);
  if (problems.length || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    eventStoreConnectionString: e.EVENTSTORE_CONNECTION_STRING,
    stripeSecretKey: e.STRIPE_SECRET_KEY,
    webhookSecrets: e.STRIPE_WEBHOOK_SIGNING_SECRET ?? [],
    stripeApiBase: e.STRIPE_API_BASE,
    planCatalogFile,
    appUrl: e.APP_URL,
    billingRedirectOrigins: [...new Set([new URL(e.APP_URL).origin, ...e.BILLING_REDIRECT_ORIGINS.map((o) => new URL(o).origin)])],
    stripeAutomaticTax: e.STRIPE_AUTOMATIC_TAX,
    stripeTimeoutMs: e.STRIPE_TIMEOUT_MS,
    stripeMaxNetworkRetries: e.STRIPE_MAX_NETWORK_RETRIES,
    stripeBreaker: { volumeThreshold: e.STRIPE_BREAKER_VOLUME_THRESHOLD, resetTimeoutMs: e.STRIPE_BREAKER_RESET_MS },
    billingRateLimit: { max: e.BILLING_RATE_LIMIT_MAX, windowSeconds: e.BILLING_RATE_LIMIT_WINDOW_SECONDS },
    logLevel: e.LOG_LEVEL,
    projectionRetryAttempts: e.PROJECTION_RETRY_ATTEMPTS,
    projectionStallSeconds: e.PROJECTION_STALL_SECONDS,
    runProjections: e.RUN_PROJECTIONS,
    databaseTimeouts: {
      statementMs: e.DB_STATEMENT_TIMEOUT_MS,
      lockMs: e.DB_LOCK_TIMEOUT_MS,
      idleInTransactionMs: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      connectMs: e.DB_CONNECT_TIMEOUT_MS,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}

/**
 * Outside production a missing webhook secret is generated once and kept in DATA_DIR, so that
 * `stripe listen --forward-to` style local testing works without setup and survives restarts.
 */
export function ensureWebhookSecrets(config: Config): { secrets: readonly string[]; generatedIn: string | null } {
  if (config.webhookSecrets.length) return { secrets: config.webhookSecrets, generatedIn: null };
  const file = join(config.dataDir, 'dev-webhook-secret');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `whsec_${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  }
  return { secrets: [readFileSync(file, 'utf8').trim()], generatedIn: file };
}
