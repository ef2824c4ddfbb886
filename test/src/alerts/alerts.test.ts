import { expect } from 'chai';
import { Registry } from 'prom-client';
import { createAlerts, type Alerts } from '../../../src/alerts/alerts.ts';
import { ConfigError, loadConfig, type AlertThresholds } from '../../../src/config.ts';
import { capturingLogger } from '../../support/log-capture.ts';

const HOUR = 3_600_000;
const thresholds: AlertThresholds = {
  paymentFailureRate: 0.05,
  paymentFailureWindowMs: HOUR,
  paymentFailureMinAttempts: 20,
  webhookFailures: 3,
  webhookFailureWindowMs: 300_000,
};

describe('alerts (payment failure rate, webhook failures)', function () {
  let clock: number;
  let registry: Registry;
  let lines: Record<string, unknown>[];
  let alerts: Alerts;

  beforeEach(() => {
    clock = Date.parse('2026-11-01T12:00:00Z');
    registry = new Registry();
    const captured = capturingLogger('info');
    lines = captured.lines;
    alerts = createAlerts(thresholds, { logger: captured.logger, registry, now: () => clock });
  });

  const seconds = () => Math.floor(clock / 1000);
  const paid = (amount = 1000, created = seconds()) => ({ type: 'invoice.paid', created, data: { object: { amount_paid: amount } } });
  const failed = (created = seconds()) => ({ type: 'invoice.payment_failed', created, data: { object: { amount_paid: 0 } } });
  const value = async (name: string, labels: Record<string, string> = {}) => {
    const metric = await registry.getSingleMetric(name)!.get();
    const sample = metric.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
    return sample?.value;
  };
  const alertLines = (alert: string) => lines.filter((l) => l.alert === alert);

  it('logs one error line when the failure rate crosses the threshold, sets the gauges, and one info line when it falls back', async () => {
    for (let i = 0; i < 19; i++) alerts.ingested(paid());
    alerts.ingested(failed()); // 1 in 20: 5%, not above
    expect(alertLines('payment_failure_rate')).to.deep.equal([]);
    expect(await value('ledger_payment_failure_rate')).to.equal(0.05);

    alerts.ingested(failed()); // 2 in 21: above
    alerts.ingested(failed()); // still above: no second line
    alerts.ingested(paid());
    const [line, ...more] = alertLines('payment_failure_rate');
    expect(more).to.deep.equal([]);
    expect(line).to.include({ level: 50, msg: 'alert: payment failure rate above its threshold', failed: 2, attempts: 21, threshold: 0.05 });
    expect(await value('ledger_payment_failure_rate')).to.be.closeTo(3 / 23, 1e-9);
    expect(await value('ledger_payment_attempts_in_window')).to.equal(23);
    expect(await value('ledger_alert_firing', { alert: 'payment_failure_rate' })).to.equal(1);
    expect(await value('ledger_payment_attempts_total', { outcome: 'failed' })).to.equal(3);
    expect(await value('ledger_payment_attempts_total', { outcome: 'succeeded' })).to.equal(20);

    // An hour on, the window is empty: the next scrape ends the alert.
    clock += HOUR;
    expect(await value('ledger_payment_failure_rate')).to.equal(0);
    expect(await value('ledger_alert_firing', { alert: 'payment_failure_rate' })).to.equal(0);
    expect(alertLines('payment_failure_rate').map((l) => l.level)).to.deep.equal([50, 30]);
  });

  it('does not alert on fewer attempts than the minimum, whatever their rate', async () => {
    for (let i = 0; i < 19; i++) alerts.ingested(failed());
    expect(await value('ledger_payment_failure_rate')).to.equal(1);
    expect(alertLines('payment_failure_rate')).to.deep.equal([]);
    alerts.ingested(failed());
    expect(alertLines('payment_failure_rate')).to.have.length(1);
  });

  it('leaves out events Stripe created before the window (a backlog redelivered), $0 invoices and other types', async () => {
    for (let i = 0; i < 30; i++) alerts.ingested(failed(seconds() - 2 * 3600));
    alerts.ingested(paid(0));
    alerts.ingested({ type: 'payment_intent.payment_failed', created: seconds(), data: { object: {} } });
    expect(await value('ledger_payment_attempts_in_window')).to.equal(0);
    expect(await value('ledger_payment_attempts_total', { outcome: 'failed' })).to.equal(undefined);
    expect(alertLines('payment_failure_rate')).to.deep.equal([]);
  });

  it('counts webhook failures by reason and logs once when they reach the threshold within the window', async () => {
    alerts.webhookFailed('invalid_signature');
    alerts.webhookFailed('invalid_signature');
    expect(alertLines('webhook_failures')).to.deep.equal([]);
    alerts.webhookFailed('store_unavailable');
    alerts.webhookFailed('store_unavailable');
    expect(await value('ledger_webhook_failures_total', { reason: 'invalid_signature' })).to.equal(2);
    expect(await value('ledger_webhook_failures_total', { reason: 'store_unavailable' })).to.equal(2);
    const [line, ...more] = alertLines('webhook_failures');
    expect(more).to.deep.equal([]);
    expect(line).to.deep.include({ level: 50, failures: 3, byReason: { invalid_signature: 2, store_unavailable: 1 } });
    expect(await value('ledger_alert_firing', { alert: 'webhook_failures' })).to.equal(1);

    clock += 300_000;
    expect(await value('ledger_webhook_failures_in_window')).to.equal(0);
    expect(await value('ledger_alert_firing', { alert: 'webhook_failures' })).to.equal(0);
    expect(alertLines('webhook_failures').map((l) => l.level)).to.deep.equal([50, 30]);
  });

  it('spreads failures over more than the window: no alert', async () => {
    for (let i = 0; i < 6; i++) {
      alerts.webhookFailed('invalid_payload');
      clock += 150_001;
    }
    expect(alertLines('webhook_failures')).to.deep.equal([]);
  });

  it('takes its thresholds from ALERT_* settings, and refuses ones that cannot be', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).alerts).to.deep.equal({ ...thresholds, webhookFailures: 5 });
    expect(loadConfig({ NODE_ENV: 'test', ALERT_PAYMENT_FAILURE_RATE: '0.1', ALERT_WEBHOOK_FAILURE_WINDOW_MS: '60000' }).alerts).to.include({ paymentFailureRate: 0.1, webhookFailureWindowMs: 60_000 });
    expect(() => loadConfig({ NODE_ENV: 'test', ALERT_PAYMENT_FAILURE_RATE: '5', ALERT_WEBHOOK_FAILURES: '0' }))
      .to.throw(ConfigError, /ALERT_PAYMENT_FAILURE_RATE[\s\S]*ALERT_WEBHOOK_FAILURES/);
  });
});
