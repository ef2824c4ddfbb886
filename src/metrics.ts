import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export type WebhookOutcome = 'appended' | 'parked' | 'duplicate' | 'failed' | 'invalid_signature' | 'invalid_payload';

/** Prometheus metrics of one process, served at GET /metrics. */
export interface Metrics {
  readonly registry: Registry;
  webhook(outcome: WebhookOutcome, seconds: number): void;
  projectionApplied(projection: string, events: number): void;
  projectionFailed(projection: string): void;
  projectionSetAside(projection: string): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ledger_' });
  const webhooks = new Counter({
    name: 'ledger_webhooks_total',
    help: 'Stripe webhook deliveries by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const webhookSeconds = new Histogram({
    name: 'ledger_webhook_duration_seconds',
    help: 'Time from request to answer for Stripe webhooks',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const applied = new Counter({
    name: 'ledger_projection_events_applied_total',
    help: 'Events applied by each projection runner',
    labelNames: ['projection'],
    registers: [registry],
  });
  const failed = new Counter({
    name: 'ledger_projection_batch_failures_total',
    help: 'Projection batches that failed and will be retried',
    labelNames: ['projection'],
    registers: [registry],
  });
  const setAside = new Counter({
    name: 'ledger_projection_events_set_aside_total',
    help: 'Events a projection could not apply after its retries and set aside (see `ledger projections failures`)',
    labelNames: ['projection'],
    registers: [registry],
  });
  return {
    registry,
    webhook(outcome, seconds) {
      webhooks.inc({ outcome });
      webhookSeconds.observe({ outcome }, seconds);
    },
    projectionApplied: (projection, events) => applied.inc({ projection }, events),
    projectionFailed: (projection) => failed.inc({ projection }),
    projectionSetAside: (projection) => setAside.inc({ projection }),
  };
}
