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
  HOSTWINDS_API_KEY: optionalString(z.string()),
  HOSTWINDS_API_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).default('https://clients.hostwinds.com/cloud/api.php')),
  HOSTWINDS_LOCATION_ID: optionalString(z.string().regex(/^\d+$/, 'must be a Hostwinds location id (digits)')),
  HOSTWINDS_PLAN_ID: optionalString(z.string().regex(/^\d+$/, 'must be a Hostwinds plan (rid) id (digits)')),
  HOSTWINDS_IMAGE: optionalString(z.string()),
  CLOUDFLARE_API_TOKEN: optionalString(z.string()),
  CLOUDFLARE_ZONE_ID: optionalString(z.string().regex(/^[0-9a-f]{32}$/, 'must be a Cloudflare zone id (32 hex digits)')),
  CLOUDFLARE_API_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).default('https://api.cloudflare.com/client/v4')),
  VAULT_ADDR: optionalString(z.url({ protocol: /^https?$/ })),
  VAULT_TOKEN: optionalString(z.string()),
  VAULT_KV_MOUNT: z.preprocess(emptyAsUndefined, z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'must be a mount name such as secret').default('secret')),
  SMTP_URL: optionalString(z.string().refine((v) => /^smtps?:\/\/.+/.test(v) && URL.canParse(v), 'must be an smtp:// or smtps:// URL')),
  EMAIL_FROM: z.preprocess(emptyAsUndefined, z.string().default('Billing <billing@localhost>')),
  ALERT_WEBHOOK_URL: optionalString(z.url({ protocol: /^https?$/ })),
  PROVIDER_TIMEOUT_MS: milliseconds(15_000),
  ALERT_PAYMENT_FAILURE_RATE: z.preprocess(emptyAsUndefined, z.coerce.number().gt(0).lt(1).default(0.05)),
  ALERT_PAYMENT_FAILURE_WINDOW_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).max(86_400_000).default(3_600_000)),
  ALERT_PAYMENT_FAILURE_MIN_ATTEMPTS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1_000_000).default(20)),
  ALERT_WEBHOOK_FAILURES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1_000_000).default(5)),
  ALERT_WEBHOOK_FAILURE_WINDOW_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).max(86_400_000).default(300_000)),
  PROCESS_MANAGER_POLL_MS: milliseconds(5_000),
  PROVISIONING_IP_WAIT_MS: milliseconds(600_000),
  PROVISIONING_RETRY_BASE_MS: milliseconds(30_000),
  PROVISIONING_DELAYED_RETRY_MS: milliseconds(3_600_000),
  PROVISIONING_DOMAIN: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a DNS domain such as tenants.example.com').default('tenants.example.com'),
  ),
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
  /** The outside services provisioning drives; null ones are replaced by local stand-ins (not in production). */
  readonly provisioning: ProvisioningConfig;
  /** When the error log line and ledger_alert_firing say payments or webhooks are failing. */
  readonly alerts: AlertThresholds;
  readonly processManager: ProcessManagerConfig;
}

export interface ProvisioningConfig {
  readonly hostwinds: { readonly apiKey: string; readonly apiUrl: string; readonly locationId: string; readonly planId: string; readonly image: string } | null;
  readonly cloudflare: { readonly apiToken: string; readonly zoneId: string; readonly apiUrl: string } | null;
  readonly vault: { readonly addr: string; readonly token: string; readonly kvMount: string } | null;
  readonly smtpUrl: string | null;
  readonly emailFrom: string;
  readonly alertWebhookUrl: string | null;
  /** Longest wait for one call to a provider, Vault, SMTP or the alert webhook. */
  readonly timeoutMs: number;
}

/** Variables that only work together: all of a group, or none of it. */
const PROVISIONING_GROUPS = [
  { uses: 'the Hostwinds VPS provider', names: ['HOSTWINDS_API_KEY', 'HOSTWINDS_LOCATION_ID', 'HOSTWINDS_PLAN_ID', 'HOSTWINDS_IMAGE'] },
  { uses: 'Cloudflare DNS', names: ['CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_ZONE_ID'] },
  { uses: 'Vault', names: ['VAULT_ADDR', 'VAULT_TOKEN'] },
] as const;

function provisioningProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const group of PROVISIONING_GROUPS) {
    const set = group.names.filter((name) => env[name]?.trim());
    const missing = group.names.filter((name) => !env[name]?.trim());
    if (set.length && missing.length) problems.push(`${missing.join(', ')}: required with ${set.join(', ')} (${group.uses})`);
    // Production never provisions against a simulator or keeps keys in a local file.
    else if (!set.length && env.NODE_ENV === 'production') {
      problems.push(`${group.names.join(', ')}: required when NODE_ENV=production (without them ${group.uses} would be replaced by a local stand-in)`);
    }
  }
  return problems;
}

export interface AlertThresholds {
  /** Failed share of payment attempts (0..1) above which payments alert... */
  readonly paymentFailureRate: number;
  /** ...over this sliding window... */
  readonly paymentFailureWindowMs: number;
  /** ...once it holds at least this many attempts (one failure in three is no trend). */
  readonly paymentFailureMinAttempts: number;
  /** Webhook deliveries refused or not stored, within the window, that make webhooks alert. */
  readonly webhookFailures: number;
  readonly webhookFailureWindowMs: number;
}

export interface ProcessManagerConfig {
  /** Longest pause between the process manager's looks for due work (it also wakes on new events). */
  readonly pollMs: number;
  /** How long provisioning waits for a new server's public IP before the try fails. */
  readonly ipWaitMs: number;
  /** The wait before a failed provisioning step's first retry; doubled for each one after, with jitter. */
  readonly retryBaseMs: number;
  /** A provisioning delayed after its retries tries again by itself after this long. */
  readonly delayedRetryMs: number;
  /** Tenants' servers are named `<tenantId>.<domain>`. */
  readonly domain: string;
}

export class ConfigError extends OperatorError {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
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
  problems.push(...provisioningProblems(env));
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
    provisioning: {
      hostwinds:
        e.HOSTWINDS_API_KEY && e.HOSTWINDS_LOCATION_ID && e.HOSTWINDS_PLAN_ID && e.HOSTWINDS_IMAGE
          ? { apiKey: e.HOSTWINDS_API_KEY, apiUrl: e.HOSTWINDS_API_URL, locationId: e.HOSTWINDS_LOCATION_ID, planId: e.HOSTWINDS_PLAN_ID, image: e.HOSTWINDS_IMAGE }
          : null,
      cloudflare: e.CLOUDFLARE_API_TOKEN && e.CLOUDFLARE_ZONE_ID ? { apiToken: e.CLOUDFLARE_API_TOKEN, zoneId: e.CLOUDFLARE_ZONE_ID, apiUrl: e.CLOUDFLARE_API_URL } : null,
      vault: e.VAULT_ADDR && e.VAULT_TOKEN ? { addr: e.VAULT_ADDR, token: e.VAULT_TOKEN, kvMount: e.VAULT_KV_MOUNT } : null,
      smtpUrl: e.SMTP_URL ?? null,
      emailFrom: e.EMAIL_FROM,
      alertWebhookUrl: e.ALERT_WEBHOOK_URL ?? null,
      timeoutMs: e.PROVIDER_TIMEOUT_MS,
    },
    alerts: {
      paymentFailureRate: e.ALERT_PAYMENT_FAILURE_RATE,
      paymentFailureWindowMs: e.ALERT_PAYMENT_FAILURE_WINDOW_MS,
      paymentFailureMinAttempts: e.ALERT_PAYMENT_FAILURE_MIN_ATTEMPTS,
      webhookFailures: e.ALERT_WEBHOOK_FAILURES,
      webhookFailureWindowMs: e.ALERT_WEBHOOK_FAILURE_WINDOW_MS,
    },
    processManager: {
      pollMs: e.PROCESS_MANAGER_POLL_MS,
      ipWaitMs: e.PROVISIONING_IP_WAIT_MS,
      retryBaseMs: e.PROVISIONING_RETRY_BASE_MS,
      delayedRetryMs: e.PROVISIONING_DELAYED_RETRY_MS,
      domain: e.PROVISIONING_DOMAIN,
    },
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
