import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { createAlerts } from '../../src/alerts/alerts.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics.ts';

const RULES_FILE = resolve(import.meta.dirname, '../../docs/prometheus-rules.yml');

/** Prometheus's rule file format (https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/), alerting rules only. */
const duration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/);
const rulesFileSchema = z.strictObject({
  groups: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        interval: duration.optional(),
        rules: z
          .array(
            z.strictObject({
              alert: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/),
              expr: z.string().min(1),
              for: duration.optional(),
              keep_firing_for: duration.optional(),
              labels: z.record(z.string(), z.string()).refine((l) => ['page', 'ticket'].includes(l.severity ?? ''), 'severity page or ticket'),
              annotations: z.strictObject({ summary: z.string().min(1), description: z.string().min(1) }),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
});

describe('docs/prometheus-rules.yml', function () {
  const rules = rulesFileSchema.parse(parse(readFileSync(RULES_FILE, 'utf8'))).groups.flatMap((g) => g.rules);

  it('is a valid rules file: YAML, groups of alerting rules with unique names, durations, severity and text', () => {
    expect(new Set(rules.map((r) => r.alert)).size).to.equal(rules.length);
    expect(rules.map((r) => r.alert)).to.include.members(['LedgerPaymentFailureRateHigh', 'LedgerWebhooksNotStored', 'LedgerWebhooksRefused']);
  });

  it("names only metrics the ledger exports, with balanced brackets in every expression", async () => {
    const metrics = createMetrics();
    createAlerts(loadConfig({ NODE_ENV: 'test' }).alerts, { logger: createLogger('silent'), registry: metrics.registry });
    const exported = new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
    for (const rule of rules) {
      const named = rule.expr.match(/\bledger_[a-z_]+/g) ?? [];
      expect(named.length, rule.alert).to.be.greaterThan(0);
      for (const name of named) expect(exported.has(name), `${rule.alert}: ${name}`).to.equal(true);
      for (const [open, close] of ['()', '[]', '{}']) {
        expect(rule.expr.split(open!).length, `${rule.alert}: ${open}${close}`).to.equal(rule.expr.split(close!).length);
      }
    }
  });

  it('uses the default thresholds of the configuration', () => {
    const { alerts } = loadConfig({ NODE_ENV: 'test' });
    const payment = rules.find((r) => r.alert === 'LedgerPaymentFailureRateHigh')!.expr;
    expect(payment).to.include(`> ${alerts.paymentFailureRate}`);
    expect(payment).to.include(`[${alerts.paymentFailureWindowMs / 3_600_000}h]`);
    expect(payment).to.include(`>= ${alerts.paymentFailureMinAttempts}`);
  });
});
