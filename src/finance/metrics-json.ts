import { z } from 'zod';
import type { RevenueReport } from '../../domain/finance/revenue-metrics.ts';
import type { CurrencyAmount } from '../../domain/finance/revenue-report.ts';

/*
 * The revenue report as it leaves the ledger, by API (GET /api/v1/finance/metrics) and by
 * `ledger finance report --json`: one shape for both, documented field by field in the OpenAPI
 * document. Amounts are integers in the currency's minor unit (never summed across currencies);
 * rates are decimals rounded to 4 places, halves away from zero, null when their denominator is 0.
 */

const minor = z.number().int().describe('integer in the currency minor unit');
const currency = z.string().describe('upper-case ISO 4217 code');
const rate = z.number().nullable().describe('decimal rounded to 4 places; null when the denominator is 0');

const currencyAmount = z.object({ currency, count: z.number().int(), amount_minor: minor });

export const monthMetricsSchema = z.object({
  month: z.string().describe('YYYY-MM (UTC)'),
  start: z.iso.datetime().describe('first instant of the month'),
  end: z.iso.datetime().describe('first instant of the next month (exclusive)'),
  mrr: z
    .array(
      z.object({
        currency,
        start_minor: minor.describe('MRR at the start of the month'),
        end_minor: minor.describe('MRR at the end of the month'),
        new_minor: minor.describe('from customers paying for the first time'),
        expansion_minor: minor.describe('increases from customers paying at both ends'),
        contraction_minor: minor.describe('decreases from customers paying at both ends (positive)'),
        churned_minor: minor.describe('lost with customers who stopped paying (positive)'),
        reactivation_minor: minor.describe('from customers who had paid before and came back'),
        net_change_minor: minor.describe('end − start = new + expansion + reactivation − contraction − churned'),
        paying_customers: z.number().int().describe('customers with MRR in this currency at the end'),
        arpu_minor: minor.nullable().describe('end MRR / paying customers, rounded half up'),
        gross_revenue_churn_rate: rate.describe('(churned + contraction) / start MRR'),
        net_revenue_churn_rate: rate.describe('(churned + contraction − expansion − reactivation) / start MRR; negative when revenue grew'),
      }),
    )
    .describe('one entry per currency, by code'),
  customers: z.object({
    start: z.number().int(),
    end: z.number().int(),
    new: z.number().int(),
    reactivated: z.number().int(),
    churned: z.number().int(),
    churned_involuntarily: z.number().int(),
  }).describe('paying customers (tenants with MRR in any currency)'),
  logo_churn_rate: rate.describe('churned customers / customers at the start'),
  involuntary_churn_share: rate.describe('customers churned after failed payments / churned customers'),
  payments: z.object({
    succeeded: z.number().int().describe('paid invoices (above zero) whose invoice.paid was created in the month'),
    failed_attempts: z.number().int().describe('invoice.payment_failed events created in the month'),
    success_rate: rate.describe('succeeded / (succeeded + failed_attempts)'),
    failed: z.array(
      z.object({
        currency,
        invoices: z.number().int().describe('invoices whose first failed attempt was in the month'),
        amount_minor: minor.describe('their amount due'),
        recovered_invoices: z.number().int().describe('of them, paid since'),
        recovered_amount_minor: minor,
      }),
    ),
    recovery_rate: rate.describe('recovered invoices / failed invoices'),
  }),
  refunds: z.array(currencyAmount).describe('charges refunded in the month (count) and the amount refunded then'),
  disputes: z.object({
    opened: z.array(currencyAmount),
    won: z.number().int(),
    lost: z.array(currencyAmount),
  }),
  events: z.object({
    in_period: z.number().int().describe('live-mode events whose Stripe created falls in the month'),
    late: z.number().int().describe('of them, recorded after the month ended: why a recomputation may differ from an earlier one'),
    test_mode_excluded: z.number().int(),
  }),
  unpriced_subscriptions: z.number().int().describe('paying subscriptions whose price neither the event nor the catalogue gives: counted as 0 MRR'),
});

export const revenueReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  interval: z.literal('month'),
  recorded_before: z.iso.datetime().nullable().describe('only events recorded before this instant were counted; null: all recorded so far'),
  events_read: z.number().int(),
  months: z.array(monthMetricsSchema),
});

export type RevenueReportJson = z.input<typeof revenueReportSchema>;

const amounts = (list: readonly CurrencyAmount[]) => list.map((a) => ({ currency: a.currency, count: a.count, amount_minor: Number(a.amountMinor) }));

export function revenueReportJson(report: RevenueReport): RevenueReportJson {
  return {
    from: report.from,
    to: report.to,
    interval: report.interval,
    recorded_before: report.recordedBefore?.toISOString() ?? null,
    events_read: report.eventsRead,
    months: report.months.map((m) => ({
      month: m.month,
      start: m.start.toISOString(),
      end: m.end.toISOString(),
      mrr: m.mrr.map((c) => ({
        currency: c.currency,
        start_minor: Number(c.startMinor),
        end_minor: Number(c.endMinor),
        new_minor: Number(c.newMinor),
        expansion_minor: Number(c.expansionMinor),
        contraction_minor: Number(c.contractionMinor),
        churned_minor: Number(c.churnedMinor),
        reactivation_minor: Number(c.reactivationMinor),
        net_change_minor: Number(c.netChangeMinor),
        paying_customers: c.payingCustomers,
        arpu_minor: c.arpuMinor === null ? null : Number(c.arpuMinor),
        gross_revenue_churn_rate: c.grossRevenueChurnRate,
        net_revenue_churn_rate: c.netRevenueChurnRate,
      })),
      customers: {
        start: m.customers.start,
        end: m.customers.end,
        new: m.customers.new,
        reactivated: m.customers.reactivated,
        churned: m.customers.churned,
        churned_involuntarily: m.customers.churnedInvoluntarily,
      },
      logo_churn_rate: m.logoChurnRate,
      involuntary_churn_share: m.involuntaryChurnShare,
      payments: {
        succeeded: m.payments.succeeded,
        failed_attempts: m.payments.failedAttempts,
        success_rate: m.payments.successRate,
        failed: m.payments.failed.map((f) => ({ currency: f.currency, invoices: f.invoices, amount_minor: Number(f.amountMinor), recovered_invoices: f.recoveredInvoices, recovered_amount_minor: Number(f.recoveredAmountMinor) })),
        recovery_rate: m.payments.recoveryRate,
      },
      refunds: amounts(m.refunds),
      disputes: { opened: amounts(m.disputes.opened), won: m.disputes.won, lost: amounts(m.disputes.lost) },
      events: { in_period: m.events.inPeriod, late: m.events.late, test_mode_excluded: m.events.testModeExcluded },
      unpriced_subscriptions: m.unpricedSubscriptions,
    })),
  };
}
