import { Counter, Gauge, type Registry } from 'prom-client';
import type { StripeEventEnvelope } from '../../domain/stripe/envelope.ts';
import type { AlertThresholds } from '../config.ts';
import type { Logger } from '../logger.ts';
import { Crossing } from './crossing.ts';
import { paymentAttemptOf, type PaymentAttemptOutcome } from './payment-attempt.ts';
import { SlidingWindow } from './sliding-window.ts';

/** Why a webhook delivery failed: refused with 400, or not stored and answered 503. */
export type WebhookFailureReason = 'invalid_signature' | 'invalid_payload' | 'store_unavailable';

/** What the webhook route tells the alerts. */
export interface Alerts {
  webhookFailed(reason: WebhookFailureReason): void;
  /** A verified Stripe event newly in the log (a redelivery is not told again). */
  ingested(event: Pick<StripeEventEnvelope, 'type' | 'created' | 'data'>): void;
}

/**
 * The payment failure rate and webhook failures of this process, over sliding windows fed as
 * webhooks arrive: an error log line once per crossing, `ledger_alert_firing{alert}`, and
 * counters from which Prometheus computes the same rates across every instance (see
 * docs/alerts.md). In process, because the alert must hold when the database is what fails; the
 * price is a window per instance, empty after a restart, which the counter-based rules do not have.
 */
export function createAlerts(thresholds: AlertThresholds, deps: { logger: Logger; registry: Registry; now?: () => number }): Alerts {
  const now = deps.now ?? Date.now;
  const logger = deps.logger.child({ component: 'alerts' });
  const registers = [deps.registry];
  const firingGauge = new Gauge({
    name: 'ledger_alert_firing',
    help: "1 while one of this process's alerts holds (payment_failure_rate, webhook_failures), else 0",
    labelNames: ['alert'],
    registers,
  });
  const attemptsTotal = new Counter({
    name: 'ledger_payment_attempts_total',
    help: 'Invoice payment attempts ingested (invoice.paid with money, invoice.payment_failed), by outcome; those Stripe created longer than the alert window ago are left out',
    labelNames: ['outcome'],
    registers,
  });
  const webhookFailuresTotal = new Counter({
    name: 'ledger_webhook_failures_total',
    help: 'Webhook deliveries refused (invalid_signature, invalid_payload: 400) or not stored (store_unavailable: 503), by reason',
    labelNames: ['reason'],
    registers,
  });

  const payments = new SlidingWindow<PaymentAttemptOutcome>(thresholds.paymentFailureWindowMs, now);
  const webhooks = new SlidingWindow<WebhookFailureReason>(thresholds.webhookFailureWindowMs, now);
  const paymentAlert = new Crossing(
    { name: 'payment_failure_rate', logger, firingGauge },
    { firing: 'alert: payment failure rate above its threshold', resolved: 'alert resolved: payment failure rate back within its threshold' },
  );
  const webhookAlert = new Crossing(
    { name: 'webhook_failures', logger, firingGauge },
    { firing: 'alert: webhook deliveries failing', resolved: 'alert resolved: webhook deliveries no longer failing' },
  );

  const paymentFigures = () => {
    const counts = payments.counts();
    const failed = counts.failed ?? 0;
    const attempts = failed + (counts.succeeded ?? 0);
    return { attempts, failed, rate: attempts ? failed / attempts : 0 };
  };
  const evaluatePayments = () => {
    const { attempts, failed, rate } = paymentFigures();
    const holds = attempts >= thresholds.paymentFailureMinAttempts && rate > thresholds.paymentFailureRate;
    paymentAlert.observe(holds, { failureRate: rate, failed, attempts, threshold: thresholds.paymentFailureRate, windowMs: thresholds.paymentFailureWindowMs });
    return { attempts, rate };
  };
  const evaluateWebhooks = () => {
    const counts = webhooks.counts();
    const failures = Object.values(counts).reduce((sum: number, n) => sum + (n ?? 0), 0);
    webhookAlert.observe(failures >= thresholds.webhookFailures, { failures, byReason: counts, threshold: thresholds.webhookFailures, windowMs: thresholds.webhookFailureWindowMs });
    return failures;
  };

  // Read at each scrape, so the figures (and the alerts' end) follow the windows as they slide.
  new Gauge({
    name: 'ledger_payment_failure_rate',
    help: "Failed share (0..1) of this process's payment attempts within ALERT_PAYMENT_FAILURE_WINDOW_MS (0 with none)",
    registers,
    collect() {
      this.set(evaluatePayments().rate);
    },
  });
  new Gauge({
    name: 'ledger_payment_attempts_in_window',
    help: "This process's payment attempts within ALERT_PAYMENT_FAILURE_WINDOW_MS",
    registers,
    collect() {
      this.set(evaluatePayments().attempts);
    },
  });
  new Gauge({
    name: 'ledger_webhook_failures_in_window',
    help: "This process's failed webhook deliveries within ALERT_WEBHOOK_FAILURE_WINDOW_MS",
    registers,
    collect() {
      this.set(evaluateWebhooks());
    },
  });

  return {
    webhookFailed(reason) {
      webhookFailuresTotal.inc({ reason });
      webhooks.add(reason);
      evaluateWebhooks();
    },
    ingested(event) {
      const outcome = paymentAttemptOf(event);
      // A backlog redelivered after an outage says nothing about the last hour's payments.
      if (!outcome || now() - event.created * 1000 > thresholds.paymentFailureWindowMs) return;
      attemptsTotal.inc({ outcome });
      payments.add(outcome);
      evaluatePayments();
    },
  };
}
