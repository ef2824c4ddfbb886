import { formatMinor } from '../../domain/money.ts';
import type { MoneyMovementRow } from '../../projections/money-movements/rows.ts';
import type { CsvColumn } from './csv.ts';

const decimal = (minor: bigint | null, currency: string) => (minor === null ? null : formatMinor(BigInt(minor), currency));
const integer = (minor: bigint | null) => (minor === null ? null : Number(minor));

/** A money movement as finance sees it, in the API's JSON and, field for field, in its CSV. */
export function financeMovementJson(m: MoneyMovementRow) {
  return {
    id: m.id,
    tenant_id: m.tenant_id,
    kind: m.kind,
    status: m.status,
    amount: decimal(m.amount_minor, m.currency)!,
    amount_minor: integer(m.amount_minor)!,
    net: decimal(m.net_minor, m.currency)!,
    net_minor: integer(m.net_minor)!,
    currency: m.currency,
    fee: decimal(m.fee_minor, m.currency),
    fee_minor: integer(m.fee_minor),
    occurred_at: m.occurred_at.toISOString(),
    livemode: m.livemode,
    invoice_id: m.stripe_invoice_id,
    payment_intent_id: m.stripe_payment_intent_id,
    charge_id: m.stripe_charge_id,
    object_id: m.stripe_object_id,
    customer_id: m.stripe_customer_id,
    reason: m.reason,
    failure_message: m.failure_message,
    stripe_event_id: m.stripe_event_id,
  };
}

export type FinanceMovementJson = ReturnType<typeof financeMovementJson>;

const FIELDS = Object.keys(financeMovementJson({ occurred_at: new Date(0), amount_minor: 0n, net_minor: 0n, fee_minor: null, currency: 'USD' } as MoneyMovementRow)) as (keyof FinanceMovementJson)[];

export const FINANCE_MOVEMENT_CSV_COLUMNS: readonly CsvColumn<FinanceMovementJson>[] = FIELDS.map((field) => ({ header: field, value: (row) => row[field] }));
