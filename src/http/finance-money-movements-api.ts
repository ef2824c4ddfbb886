import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MOVEMENT_KINDS } from '../../projections/money-movements/rows.ts';
import { csvChunks } from '../finance/csv.ts';
import { FINANCE_MOVEMENT_CSV_COLUMNS, financeMovementJson } from '../finance/movement-export.ts';
import { mapRows } from '../finance/payment-export.ts';
import type { Ledger } from '../ledger.ts';
import { once } from './billing-api.ts';
import { sendError } from './errors.ts';
import { financeQueryFields, instantParameter, INVALID_CURSOR, listParameter, text, wantsCsv } from './finance-query.ts';
import { errorResponse } from './openapi.ts';

export type FinanceMoneyMovementsApiDeps = Pick<Ledger, 'moneyMovements'>;

const query = z.strictObject({
  ...financeQueryFields,
  kind: listParameter(MOVEMENT_KINDS, `${MOVEMENT_KINDS.join(', ')}; several comma-separated`),
  from: instantParameter('occurred at or after (ISO 8601)'),
  to: instantParameter('occurred before (ISO 8601)'),
  sort: once(z.enum(['occurred_at', '-occurred_at']), text('occurred_at or -occurred_at (default)')).default('-occurred_at'),
});

const movementSchema = z.object({
  id: z.uuid(),
  tenant_id: z.uuid(),
  kind: z.enum(MOVEMENT_KINDS),
  status: z.string(),
  amount: z.string().describe('decimal string in major units, never negative'),
  amount_minor: z.number().int(),
  net: z.string().describe('effect on money received: payments positive, refunds and lost disputes negative, else 0'),
  net_minor: z.number().int(),
  currency: z.string(),
  fee: z.string().nullable().describe("Stripe's fee when the event carried it"),
  fee_minor: z.number().int().nullable(),
  occurred_at: z.iso.datetime(),
  livemode: z.boolean(),
  invoice_id: z.string().nullable(),
  payment_intent_id: z.string().nullable(),
  charge_id: z.string().nullable(),
  object_id: z.string().nullable().describe('the dispute or credit note'),
  customer_id: z.string().nullable(),
  reason: z.string().nullable(),
  failure_message: z.string().nullable(),
  stripe_event_id: z.string(),
});

/** Every tenant's money movements for finance keys (app.ts puts it behind requireScope('finance')). */
export function registerFinanceMoneyMovementsApi(app: FastifyInstance, deps: FinanceMoneyMovementsApiDeps): void {
  app.register(async (scope) => {
    scope.withTypeProvider<ZodTypeProvider>().get(
      '/api/v1/finance/money-movements',
      {
        schema: {
          tags: ['finance'],
          security: [{ apiKey: [] }],
          summary: 'Every money movement (payments, refunds, disputes, failed attempts, credit notes) of every tenant',
          description: 'JSON `{data, nextCursor}` pages, or with `format=csv` / `Accept: text/csv` every matching row as streamed CSV. Columns: docs/finance-tables.md.',
          querystring: query,
          response: { 200: z.object({ data: z.array(movementSchema), nextCursor: z.string().nullable() }), 400: errorResponse, 401: errorResponse, 403: errorResponse },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const filters = { tenantId: q.tenant_id, kind: q.kind, currency: q.currency, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, livemode: q.livemode };
        const direction = q.sort === 'occurred_at' ? 'asc' : 'desc';
        if (wantsCsv(q.format, request.headers.accept)) {
          const rows = mapRows(deps.moneyMovements.all(filters, { direction }), financeMovementJson);
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', 'attachment; filename="money-movements.csv"')
            .send(Readable.from(csvChunks(FINANCE_MOVEMENT_CSV_COLUMNS, rows)) as never); // a stream is sent as is, never serialized
        }
        const page = await deps.moneyMovements.page(filters, { direction, limit: q.limit, cursor: q.cursor });
        if (page === 'invalid_cursor') return sendError(reply, 400, 'invalid_parameter', INVALID_CURSOR);
        return { data: page.rows.map(financeMovementJson), nextCursor: page.nextCursor };
      },
    );
  });
}
