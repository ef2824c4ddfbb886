import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FINANCE_PAYMENT_SORTS, type FinancePaymentFilters } from '../../projections/payments/finance-queries.ts';
import { exportPayments, financePaymentJson } from '../finance/payment-export.ts';
import type { Ledger } from '../ledger.ts';
import { once } from './billing-api.ts';
import { sendError } from './errors.ts';
import { errorResponse } from './openapi.ts';

export type FinancePaymentsApiDeps = Pick<Ledger, 'financePayments'>;

const digits = (what: string) => z.string().regex(/^[0-9]+$/, `must be ${what} in plain decimal digits`);
const text = (description: string) => ({ type: 'string', description });

const financePaymentsQuery = z.strictObject({
  tenant_id: once(z.uuid(), { ...text('only this tenant'), format: 'uuid' }).optional(),
  status: once(
    z
      .string()
      .transform((list) => list.split(','))
      .pipe(z.array(z.enum(['succeeded', 'partially_refunded', 'refunded']))),
    text('succeeded, partially_refunded or refunded; several comma-separated'),
  ).optional(),
  currency: once(z.string().regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO 4217 code').transform((c) => c.toUpperCase()), text('ISO 4217 code, any case')).optional(),
  paid_from: once(z.iso.datetime({ offset: true }), { ...text('paid at or after this instant (ISO 8601)'), format: 'date-time' }).optional(),
  paid_to: once(z.iso.datetime({ offset: true }), { ...text('paid before this instant (ISO 8601)'), format: 'date-time' }).optional(),
  livemode: once(z.enum(['true', 'false']).transform((v) => v === 'true'), text('true: live payments only; false: test mode only')).optional(),
  amount_min: once(digits('an amount in minor units').transform(BigInt), text('amount paid at least this, in minor units')).optional(),
  amount_max: once(digits('an amount in minor units').transform(BigInt), text('amount paid at most this, in minor units')).optional(),
  sort: once(z.enum(FINANCE_PAYMENT_SORTS), text(`${FINANCE_PAYMENT_SORTS.join(', ')} (a leading - is descending; default -paid_at)`)).default('-paid_at'),
  limit: once(
    z
      .string()
      .refine((t) => /^[0-9]+$/.test(t) && Number(t) >= 1 && Number(t) <= 1000, 'must be a whole number from 1 to 1000')
      .transform(Number),
    { type: 'string', pattern: '^[0-9]+$', description: 'page size, 1 to 1000 (default 100); JSON only' },
  ).default(100),
  cursor: once(z.string().min(1), text("the previous page's nextCursor; JSON only")).optional(),
  format: once(z.enum(['json', 'csv']), text('csv: every matching row as CSV, streamed (as does Accept: text/csv)')).optional(),
});

const financePaymentSchema = z.object({
  id: z.uuid(),
  tenant_id: z.uuid(),
  status: z.enum(['succeeded', 'partially_refunded', 'refunded']),
  amount: z.string().describe('decimal string in major units, by the currency exponent'),
  amount_minor: z.number().int(),
  amount_refunded: z.string(),
  amount_refunded_minor: z.number().int(),
  net_amount: z.string(),
  net_amount_minor: z.number().int(),
  currency: z.string().describe('upper-case ISO 4217 code'),
  paid_at: z.iso.datetime(),
  period_start: z.iso.datetime().nullable(),
  period_end: z.iso.datetime().nullable(),
  description: z.string().nullable(),
  invoice_id: z.string(),
  invoice_number: z.string().nullable(),
  payment_intent_id: z.string().nullable(),
  charge_id: z.string().nullable(),
  customer_id: z.string().nullable(),
  subscription_id: z.string().nullable(),
  receipt_url: z.string().nullable(),
  livemode: z.boolean().nullable().describe('false for Stripe test mode; null while an older version of the read model answers'),
});

function filtersOf(query: z.output<typeof financePaymentsQuery>): FinancePaymentFilters {
  return {
    tenantId: query.tenant_id,
    status: query.status,
    currency: query.currency,
    paidFrom: query.paid_from ? new Date(query.paid_from) : undefined,
    paidTo: query.paid_to ? new Date(query.paid_to) : undefined,
    livemode: query.livemode,
    amountMin: query.amount_min,
    amountMax: query.amount_max,
  };
}

/** CSV when asked by format=csv, or by an Accept header preferring text/csv and no format=json. */
function wantsCsv(format: 'json' | 'csv' | undefined, accept: string | undefined): boolean {
  if (format) return format === 'csv';
  return /(^|,)\s*text\/csv/i.test(accept ?? '');
}

/** Every tenant's payments for finance keys (app.ts puts it behind requireScope('finance')). */
export function registerFinancePaymentsApi(app: FastifyInstance, deps: FinancePaymentsApiDeps): void {
  app.register(async (scope) => {
    scope.withTypeProvider<ZodTypeProvider>().get(
      '/api/v1/finance/payments',
      {
        schema: {
          tags: ['finance'],
          security: [{ apiKey: [] }],
          summary: "Every tenant's payments, filtered and sorted; JSON pages or the whole selection as streamed CSV",
          description:
            'JSON: `{data, nextCursor}` pages (pass nextCursor as cursor; null on the last page). CSV (`format=csv` or `Accept: text/csv`): every matching row in `sort` order, streamed with the same fields as columns; limit and cursor do not apply.',
          querystring: financePaymentsQuery,
          response: { 200: z.object({ data: z.array(financePaymentSchema), nextCursor: z.string().nullable() }), 400: errorResponse, 401: errorResponse, 403: errorResponse },
        },
      },
      async (request, reply) => {
        const query = request.query;
        const filters = filtersOf(query);
        if (wantsCsv(query.format, request.headers.accept)) {
          const sort = query.sort;
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', 'attachment; filename="payments.csv"')
            .send(Readable.from(exportPayments(deps.financePayments, filters, { format: 'csv', sort })) as never); // a stream is sent as is, never serialized
        }
        const page = await deps.financePayments.page(filters, { sort: query.sort, limit: query.limit, cursor: query.cursor });
        if (page === 'invalid_cursor') return sendError(reply, 400, 'invalid_parameter', 'invalid query parameter cursor: not a cursor this API issued (pass nextCursor unchanged, with the same sort)');
        return { data: page.rows.map(financePaymentJson), nextCursor: page.nextCursor };
      },
    );
  });
}
