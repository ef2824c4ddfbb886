import { createAdvisoryLeases, type LeaseProvider } from '../adapters/db/advisory-lease.ts';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../adapters/db/database.ts';
import type { DatabaseFailure } from '../adapters/db/database-errors.ts';
import { withoutStatementTimeout } from '../adapters/db/long-running.ts';
import { migrateDatabase } from '../adapters/db/migrate.ts';
import { syncPlans } from '../adapters/db/plan-repository.ts';
import { createRoutingRepository, type RoutingRepository } from '../projections/routing/queries.ts';
import { createTenantRepository, type TenantRepository } from '../adapters/db/tenant-repository.ts';
import { createApiKeyRepository, type ApiKeyRepository } from '../adapters/db/api-key-repository.ts';
import { createPostgresEventStore } from '../adapters/eventstore/postgres.ts';
import { describeEventStore } from '../adapters/eventstore/esdb/describe.ts';
import { createEsdbEventStore, type Resubscribed, type SubscriptionDropped } from '../adapters/eventstore/esdb/esdb.ts';
import { OperatorError } from '../domain/operator-error.ts';
import { countEventsAfter, readVisibilityHorizon } from '../adapters/eventstore/postgres-horizon.ts';
import { refuseLogAheadOfServer } from '../adapters/eventstore/postgres-restore-check.ts';
import type { PlanCatalogue } from '../domain/plans/catalogue.ts';
import type { EventStore } from '../domain/ports/event-store.ts';
import { allProjections } from '../projections/all.ts';
import { createAuditQueries, type AuditQueries } from '../projections/audit-log/queries.ts';
import { createEntitlementQueries, type EntitlementQueries } from '../projections/entitlements/queries.ts';
import { createInvoiceQueries, type InvoiceQueries } from '../projections/invoices/queries.ts';
import { createPaymentMethodQueries, type PaymentMethodQueries } from '../projections/payment-methods/queries.ts';
import { createPaymentQueries, type PaymentQueries } from '../projections/payments/queries.ts';
import { createFinancePaymentQueries, type FinancePaymentQueries } from '../projections/payments/finance-queries.ts';
import { rowsByCallback } from './finance/export-rows.ts';
import { createMoneyMovementQueries, type MoneyMovementQueries } from '../projections/money-movements/queries.ts';
import { createSubscriptionQueries, type SubscriptionQueries } from '../projections/subscriptions/queries.ts';
import type { ProjectionContext } from '../projections/projection.ts';
import type { Config } from './config.ts';
import { createStripeGateway, type StripeGateway } from '../adapters/stripe/gateway.ts';
import { loadPlanCatalogue } from './plan-catalogue-file.ts';
import type { LogDiagnostics } from './workers/projection-monitor.ts';
import { prepareLiveTables } from './workers/projection-versions.ts';
import { adoptEventLog, type EventLogAdoption, type EventStoreKind } from './workers/event-log-change.ts';

/** Everything a command needs, wired once: the composition root. */
export interface Ledger {
  readonly config: Config;
  readonly database: Database;
  readonly store: EventStore;
  readonly tenants: TenantRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly routing: RoutingRepository;
  readonly payments: PaymentQueries;
  readonly subscriptions: SubscriptionQueries;
  readonly invoices: InvoiceQueries;
  readonly paymentMethods: PaymentMethodQueries;
  readonly entitlements: EntitlementQueries;
  readonly audit: AuditQueries;
  /** Every tenant's payments, for finance keys and `ledger finance export`. */
  readonly financePayments: FinancePaymentQueries;
  readonly moneyMovements: MoneyMovementQueries;
  readonly plans: PlanCatalogue;
  /** Outgoing calls to Stripe; null without STRIPE_SECRET_KEY (the billing actions then answer 503). */
  readonly stripe: StripeGateway | null;
  readonly projectionContext: ProjectionContext;
  /** Where processes share a Postgres server: one runner (or rebuild) of a projection at a time. The embedded store has one process. */
  readonly leases: LeaseProvider | undefined;
  /** Where the log is: beside the read models in Postgres, or in EventStoreDB (`description` holds no credentials). */
  readonly eventLog: { readonly kind: EventStoreKind; readonly description: string };
  /** What the Postgres log says about events not yet visible to readers, for monitoring; EventStoreDB has no such horizon. */
  readonly diagnostics: LogDiagnostics | undefined;
  close(): Promise<void>;
}

export interface OpenLedgerOptions {
  /** Names the process in the embedded store's lock, for the message a second process gets. */
  readonly command: string;
  /** Overrides config.databaseUrl / the data directory (tests pass a fresh database). */
  readonly database?: Database;
  /** Told when one of the pool's connections fails (it is replaced); `serve` logs it. */
  readonly onConnectionError?: (failure: DatabaseFailure) => void;
  /** Told when a subscription to EventStoreDB's log was dropped, and when it holds again (it resumes by itself). */
  readonly onSubscriptionDropped?: (info: SubscriptionDropped) => void;
  readonly onResubscribed?: (info: Resubscribed) => void;
  /**
   * False for a command that only moves history between stores: the log configured for it is not
   * (yet) the ledger's, so the read models must not be marked for a rebuild from it.
   */
  readonly adoptEventLog?: boolean;
  /** Told when the read models were built from another log than the one configured now (they will be rebuilt). */
  readonly onEventLogReplaced?: (adoption: EventLogAdoption) => void;
}

export async function openLedger(config: Config, options: OpenLedgerOptions): Promise<Ledger> {
  const plans = loadPlanCatalogue(config.planCatalogFile);
  const database =
    options.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      command: options.command,
      timeouts: config.databaseTimeouts,
      onConnectionError: options.onConnectionError,
    }));
  try {
    const log = openEventLog(config, database, options);
    const store = log.store;
    try {
      // Checked first, so that an EventStoreDB that does not answer is named as the cause.
      if (log.kind === 'esdb') await store.ping().catch((error: unknown) => Promise.reject(unreachableEventStore(log.description, error)));
      const adoption = await migrate(database, plans, log.kind, options.adoptEventLog === false ? null : store);
      if (adoption?.replaced) options.onEventLogReplaced?.(adoption);
      // A log restored from a logical dump into another cluster cannot be read in order: refuse it.
      if (log.kind === 'postgres') await refuseLogAheadOfServer(database.pool);
    } catch (error) {
      await store.close();
      throw error;
    }
    const stripe = config.stripeSecretKey ? openStripeGateway(config, config.stripeSecretKey) : null;
    const planByPrice = new Map(plans.plans.map((p) => [p.stripePriceId, p.id]));
    return {
      config,
      database,
      store,
      tenants: createTenantRepository(database.db),
      apiKeys: createApiKeyRepository(database.db),
      routing: createRoutingRepository(database.db),
      payments: createPaymentQueries(database.db),
      subscriptions: createSubscriptionQueries(database.db),
      invoices: createInvoiceQueries(database.db),
      paymentMethods: createPaymentMethodQueries(database.db),
      entitlements: createEntitlementQueries(database.db, plans),
      audit: createAuditQueries(database.db),
      financePayments: createFinancePaymentQueries(database.db, { exportRows: rowsByCallback(database.pool) }),
      moneyMovements: createMoneyMovementQueries(database.db),
      plans,
      stripe,
      projectionContext: { planIdForPrice: (priceId) => (priceId ? (planByPrice.get(priceId) ?? null) : null) },
      leases: database.kind === 'postgres' ? createAdvisoryLeases(database.pool) : undefined,
      eventLog: { kind: log.kind, description: log.description },
      diagnostics: log.kind === 'postgres' ? postgresLogDiagnostics(database) : undefined,
      async close() {
        stripe?.close();
        await store.close();
        if (!options.database) await database.close();
      },
    };
  } catch (error) {
    if (!options.database) await database.close();
    throw error;
  }
}

function openStripeGateway(config: Config, secretKey: string): StripeGateway {
  return createStripeGateway({
    secretKey,
    apiBase: config.stripeApiBase,
    timeoutMs: config.stripeTimeoutMs,
    maxNetworkRetries: config.stripeMaxNetworkRetries,
    breaker: { ...config.stripeBreaker, errorThresholdPercentage: 50, rollingWindowMs: 10_000 },
  });
}

interface EventLog {
  readonly kind: EventStoreKind;
  readonly description: string;
  readonly store: EventStore;
}

/**
 * The log: in EventStoreDB when a connection string is set (the ids it holds are indexed in
 * Postgres, beside the read models and checkpoints), else in the Postgres database itself.
 */
function openEventLog(config: Config, database: Database, options: OpenLedgerOptions): EventLog {
  const connectionString = config.eventStoreConnectionString;
  if (!connectionString) return { kind: 'postgres', description: database.description, store: createPostgresEventStore(database.pool, { listen: database.kind === 'postgres' }) };
  const store = createEsdbEventStore({
    connectionString,
    pool: database.pool,
    onSubscriptionDropped: options.onSubscriptionDropped,
    onResubscribed: options.onResubscribed,
  });
  return { kind: 'esdb', description: `EventStoreDB ${describeEventStore(connectionString)}`, store };
}

function unreachableEventStore(description: string, error: unknown): OperatorError {
  return new OperatorError(
    `${description} did not answer (${error instanceof Error ? error.message : String(error)}): check EVENTSTORE_CONNECTION_STRING and that the server is up (docker compose up -d eventstore, or npm run --silent esdb-double)`,
  );
}

function postgresLogDiagnostics(database: Database): LogDiagnostics {
  return {
    countEventsAfter: (after, streamPrefixes, cap) => countEventsAfter(database.pool, { after, streamPrefixes, cap }),
    horizon: () => readVisibilityHorizon(database.pool),
  };
}

/**
 * Idempotent: every start brings the schema up to date, so `migrate` is optional in development.
 * Instances starting together on one server take turns: concurrent `CREATE ... IF NOT EXISTS`
 * can still collide. (The embedded store has one process, and one connection to lock with.)
 * Migrations may be long, and so may the wait for another instance's: both lift the timeouts.
 */
async function migrate(database: Database, plans: PlanCatalogue, storeKind: EventStoreKind, adopting: EventStore | null): Promise<EventLogAdoption | null> {
  const run = async () => {
    await withoutStatementTimeout(database.db, (trx) => migrateDatabase(trx));
    const adoption = adopting ? await adoptEventLog(database.db, adopting, storeKind) : null;
    for (const projection of allProjections) await prepareLiveTables(database.db, projection);
    await syncPlans(database.db, plans);
    return adoption;
  };
  if (database.kind === 'embedded') return run();
  return database.db.connection().execute(async (lock) => {
    // A session lock, taken in a transaction only so that the wait for it may be long.
    await withoutStatementTimeout(lock, (trx) => sql`select pg_advisory_lock(hashtext('ledger-migrate'))`.execute(trx), { waitForLocks: true });
    try {
      return await run();
    } finally {
      await sql`select pg_advisory_unlock(hashtext('ledger-migrate'))`.execute(lock).catch(() => {});
    }
  });
}
