import { formatMinor } from '../../domain/money.ts';
import type { FinancePaymentFilters, FinancePaymentQueries, FinancePaymentSort } from '../../projections/payments/finance-queries.ts';
import type { PaymentRow } from '../../projections/payments/rows.ts';
import { csvChunks, jsonArrayChunks, type CsvColumn } from './csv.ts';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/**
 * A payment as finance sees it, in the API's JSON and, field for field, in the CSV columns:
 * amounts as decimal strings by the currency's exponent with their integer minor units beside.
 */
export function financePaymentJson(p: PaymentRow) {
  const amount = BigInt(p.amount_minor);
  const refunded = BigInt(p.amount_refunded_minor);
  const net = amount - refunded;
  return {
    id: p.id,
    tenant_id: p.tenant_id,
    status: (p.status === 'paid' ? 'succeeded' : p.status) as 'succeeded' | 'partially_refunded' | 'refunded',
    amount: formatMinor(amount, p.currency),
    amount_minor: Number(amount),
    amount_refunded: formatMinor(refunded, p.currency),
    amount_refunded_minor: Number(refunded),
    net_amount: formatMinor(net, p.currency),
    net_amount_minor: Number(net),
    currency: p.currency.toUpperCase(),
    paid_at: p.paid_at.toISOString(),
    period_start: iso(p.period_start),
    period_end: iso(p.period_end),
    description: p.description,
    invoice_id: p.stripe_invoice_id,
    invoice_number: p.invoice_number,
    payment_intent_id: p.stripe_payment_intent_id,
    charge_id: p.stripe_charge_id,
    customer_id: p.stripe_customer_id,
    subscription_id: p.stripe_subscription_id,
    receipt_url: p.receipt_url,
    livemode: p.livemode ?? null,
  };
}

export type FinancePaymentJson = ReturnType<typeof financePaymentJson>;

const FIELDS = Object.keys(financePaymentJson({ paid_at: new Date(0), amount_minor: 0n, amount_refunded_minor: 0n, currency: 'USD' } as PaymentRow)) as (keyof FinancePaymentJson)[];

/** The CSV columns: the JSON fields, in the same order, under the same names. */
export const FINANCE_PAYMENT_CSV_COLUMNS: readonly CsvColumn<FinancePaymentJson>[] = FIELDS.map((field) => ({ header: field, value: (row) => row[field] }));

export type ExportFormat = 'csv' | 'json';

/** Every payment matching `filters`, as CSV or a JSON array, in chunks pulled one batch of rows at a time. */
export function exportPayments(
  queries: FinancePaymentQueries,
  filters: FinancePaymentFilters,
  options: { format: ExportFormat; sort?: FinancePaymentSort; onRow?: () => void },
): AsyncGenerator<string> {
  const rows = mapRows(queries.all(filters, { sort: options.sort ?? 'paid_at' }), (row) => {
    options.onRow?.();
    return financePaymentJson(row);
  });
  return options.format === 'csv' ? csvChunks(FINANCE_PAYMENT_CSV_COLUMNS, rows) : jsonArrayChunks((row) => row, rows);
}

async function* mapRows<A, B>(rows: AsyncIterable<A>, map: (row: A) => B): AsyncGenerator<B> {
  for await (const row of rows) yield map(row);
}
