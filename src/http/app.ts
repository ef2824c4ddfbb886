import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createAlerts } from '../alerts/alerts.ts';
import type { Ledger } from '../ledger.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { MonitorSnapshot } from '../workers/projection-monitor.ts';
import { registerAdminApi } from './admin-api.ts';
import { registerAuth, requireScope } from './auth.ts';
import { registerAuditApi } from './audit-api.ts';
import { registerBillingApi } from './billing-api.ts';
import { registerFinancePaymentsApi } from './finance-payments-api.ts';
import { registerFinanceMoneyMovementsApi } from './finance-money-movements-api.ts';
import { billingActionsDeps, registerBillingActions } from './billing-actions.ts';
import { answerClientError, installErrorHandlers } from './errors.ts';
import { registerFinanceDashboard } from './finance-dashboard.ts';
import { registerFinanceMetricsApi } from './finance-metrics-api.ts';
import { trackIngestHealth } from '../webhooks/ingest-health.ts';
import { registerEntitlementsApi } from './entitlements-api.ts';
import { registerHealthRoutes } from './health.ts';
import { registerInfrastructureApi } from './infrastructure-api.ts';
import { registerOpenApi } from './openapi.ts';
import { registerWebhookRoutes } from './webhooks.ts';
import { rememberExistingTenants } from '../webhooks/known-tenants.ts';

export interface HttpAppOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly webhookSecrets: readonly string[];
  /** The projection monitor, whose latest sample /readyz reports. */
  readonly monitor?: { latest(): MonitorSnapshot | null };
}

export function buildHttpApp(ledger: Ledger, options: HttpAppOptions): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // The webhook route logs its own line per delivery, with what an operator needs.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    clientErrorHandler: answerClientError,
  });
  installErrorHandlers(app);
  // Before any route: the zod compilers and the OpenAPI document see every route registered after.
  registerOpenApi(app);
  registerAuth(app, ledger.apiKeys);
  const ingestHealth = trackIngestHealth();
  // In a plugin, as every route: plugins load after the OpenAPI hook, which then sees them.
  void app.register(async (scope) => registerHealthRoutes(scope, {
    metrics: options.metrics,
    checks: {
      event_store: async () => (await ledger.store.ping(), null),
      database: async () => (await sql`select 1`.execute(ledger.database.db), null),
      ingest: async () => ingestHealth.problem(),
    },
    monitor: options.monitor,
  }));
  registerWebhookRoutes(app, {
    ingestHealth,
    store: ledger.store,
    tenantExists: rememberExistingTenants((id) => ledger.tenants.exists(id)),
    tenantForStripeObject: (id) => ledger.routing.tenantForStripeObject(id),
    webhookSecrets: options.webhookSecrets,
    logger: options.logger,
    metrics: options.metrics,
    alerts: createAlerts(ledger.config.alerts, { logger: options.logger, registry: options.metrics.registry }),
  });
  registerAdminApi(app, { tenants: ledger.tenants, apiKeys: ledger.apiKeys });
  void app.register(async (scope) => registerFinanceDashboard(scope));
  registerFinanceMetricsApi(app, ledger);
  // Tenant keys only: the hook answers 401/403 and sets request.tenant.
  void app.register(async (scope) => {
    scope.addHook('onRequest', requireScope('tenant'));
    registerBillingApi(scope, ledger);
    registerEntitlementsApi(scope, ledger);
    registerAuditApi(scope, ledger);
    await registerBillingActions(scope, billingActionsDeps(ledger));
    registerInfrastructureApi(scope, ledger);
  });
  // Finance keys only: every tenant's figures.
  void app.register(async (scope) => {
    scope.addHook('onRequest', requireScope('finance'));
    registerFinancePaymentsApi(scope, ledger);
    registerFinanceMoneyMovementsApi(scope, ledger);
  });
  return app;
}
