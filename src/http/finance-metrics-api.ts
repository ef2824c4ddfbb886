import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_MONTHS, monthSchema, monthsBetween } from '../../domain/finance/months.ts';
import type { Ledger } from '../ledger.ts';
import { createRevenueReports } from '../finance/metrics.ts';
import { revenueReportJson, revenueReportSchema } from '../finance/metrics-json.ts';
import { requireScope } from './auth.ts';
import { errorResponse } from './openapi.ts';

export type FinanceMetricsDeps = Pick<Ledger, 'store' | 'plans'>;

const month = (what: string) => monthSchema.describe(`${what} month, YYYY-MM (UTC)`);

export const metricsQuery = z
  .strictObject({
    from: month('first'),
    to: month('last (default: from)').optional(),
    interval: z.enum(['month']).default('month').describe('the only interval: calendar months (UTC)'),
    recorded_before: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('ISO 8601 instant: count only events the ledger had recorded before it, reproducing a report as it was then'),
  })
  .superRefine((query, context) => {
    try {
      monthsBetween(query.from, query.to ?? query.from);
    } catch (error) {
      context.addIssue({ code: 'custom', path: ['to'], message: error instanceof RangeError ? error.message : String(error) });
    }
  });

/** Revenue figures across every tenant, for finance keys (admin and tenant keys get 403). */
export function registerFinanceMetricsApi(app: FastifyInstance, deps: FinanceMetricsDeps): void {
  const reports = createRevenueReports(deps.store, deps.plans);
  void app.register(async (plugin) => {
    plugin.addHook('onRequest', requireScope('finance'));
    plugin.withTypeProvider<ZodTypeProvider>().get(
      '/api/v1/finance/metrics',
      {
        schema: {
          tags: ['finance'],
          security: [{ apiKey: [] }],
          summary: 'Revenue metrics per month: MRR per currency and its movements, churn, payments, refunds, disputes',
          description:
            `Computed from the log of every tenant's Stripe events, by the Stripe \`created\` of each event, so a past month's figures only change when events for it arrive late (\`events.late\` says how many). At most ${MAX_MONTHS} months. Definitions: README, "Revenue metrics".`,
          querystring: metricsQuery,
          response: { 200: revenueReportSchema, 400: errorResponse, 401: errorResponse, 403: errorResponse },
        },
      },
      async (request) => {
        const { from, to, recorded_before } = request.query;
        const report = await reports.report({ from, to: to ?? from, recordedBefore: recorded_before ? new Date(recorded_before) : null });
        return revenueReportJson(report);
      },
    );
  });
}
