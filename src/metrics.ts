import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MonitorSnapshot } from './workers/projection-monitor.ts';

export type WebhookOutcome = 'appended' | 'parked' | 'duplicate' | 'failed' | 'invalid_signature' | 'invalid_payload';

/** Prometheus metrics of one process, served at GET /metrics. */
export interface Metrics {
  readonly registry: Registry;
  webhook(outcome: WebhookOutcome, seconds: number): void;
  projectionApplied(projection: string, events: number): void;
  projectionFailed(projection: string): void;
  projectionSetAside(projection: string): void;
  /** The event store's subscription (EventStoreDB's) was dropped, and taken up again. */
  subscriptionDropped(): void;
  resubscribed(): void;
  /** The circuit breaker around Stripe calls changed state. */
  stripeBreaker(state: 'closed' | 'open' | 'half_open'): void;
  /** The projection monitor's latest sample, as gauges. */
  observeProjections(snapshot: MonitorSnapshot): void;
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
  const drops = new Counter({
    name: 'ledger_event_store_subscription_drops_total',
    help: "Subscriptions to the event store's log dropped by the server or the connection (each is resumed from its last handled event)",
    registers: [registry],
  });
  const resubscriptions = new Counter({
    name: 'ledger_event_store_resubscriptions_total',
    help: 'Subscriptions to the event store resumed after a drop',
    registers: [registry],
  });
  const stripeOpen = new Gauge({
    name: 'ledger_stripe_circuit_open',
    help: '1 while Stripe calls are paused by the circuit breaker (billing actions answer 503), 0.5 while one trial call is let through, else 0',
    registers: [registry],
  });
  const gauge = (name: string, help: string, labelNames: string[] = ['projection']) => new Gauge({ name, help, labelNames, registers: [registry] });
  const lagEvents = gauge('ledger_projection_lag_events', 'Visible events each projection has still to apply (capped at 100,000)');
  const lagSeconds = gauge('ledger_projection_lag_seconds', 'Age of the oldest visible event each projection has not applied yet');
  const notYetVisible = gauge('ledger_projection_not_yet_visible_events', 'Committed events in its streams that global readers cannot see yet');
  const setAsideNow = gauge('ledger_projection_set_aside_events', 'Events each projection has set aside and not yet applied by a retry');
  const stalled = gauge('ledger_projection_stalled', '1 while a projection has not moved for PROJECTION_STALL_SECONDS with events waiting');
  const outdated = gauge('ledger_projection_outdated', '1 while a projection is being rebuilt for a new version');
  const logPending = gauge('ledger_log_not_yet_visible_events', 'Committed events global readers cannot see yet, held back by an older open transaction on the server', []);
  const holderAge = gauge('ledger_log_horizon_holder_age_seconds', 'Age of the oldest open transaction on the server, which every global reader waits for (0: none)', []);
  return {
    registry,
    observeProjections(snapshot) {
      for (const p of snapshot.projections) {
        const labels = { projection: p.projection };
        lagEvents.set(labels, p.behindEvents);
        lagSeconds.set(labels, p.behindSeconds);
        notYetVisible.set(labels, p.notYetVisible);
        setAsideNow.set(labels, p.setAside);
        stalled.set(labels, p.stalled ? 1 : 0);
        outdated.set(labels, p.outdated ? 1 : 0);
      }
      if (snapshot.log) {
        logPending.set(snapshot.log.notYetVisible);
        holderAge.set(snapshot.log.holder?.transactionSeconds ?? 0);
      }
    },
    subscriptionDropped: () => drops.inc(),
    stripeBreaker: (state) => stripeOpen.set(state === 'open' ? 1 : state === 'half_open' ? 0.5 : 0),
    resubscribed: () => resubscriptions.inc(),
    webhook(outcome, seconds) {
      webhooks.inc({ outcome });
      webhookSeconds.observe({ outcome }, seconds);
    },
    projectionApplied: (projection, events) => applied.inc({ projection }, events),
    projectionFailed: (projection) => failed.inc({ projection }),
    projectionSetAside: (projection) => setAside.inc({ projection }),
  };
}
