/** What moved: see docs/finance-tables.md for when each kind is written and its net effect. */
export const MOVEMENT_KINDS = ['payment', 'refund', 'dispute_opened', 'dispute_won', 'dispute_lost', 'failed_payment', 'credit_note'] as const;

export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/** One money movement of a tenant. */
export interface MoneyMovementRow {
  id: string;
  /** What the row stands for, e.g. `payment:in_123`, `refund:ch_1:4900`: its id is derived from it. */
  movement_key: string;
  tenant_id: string;
  kind: MovementKind;
  /** succeeded, failed, issued/void (credit notes), or the dispute's Stripe status. */
  status: string;
  /** The size of the movement, never negative. */
  amount_minor: bigint;
  /** Its effect on the money the tenant's customers paid: payments positive, refunds and lost disputes negative, the rest zero. */
  net_minor: bigint;
  currency: string;
  /** Stripe's fee, when the event carried it; null when unknown. */
  fee_minor: bigint | null;
  /** A Connect platform's fee (`application_fee_amount`), when set. */
  application_fee_minor: bigint | null;
  livemode: boolean;
  occurred_at: Date;
  stripe_customer_id: string | null;
  stripe_invoice_id: string | null;
  stripe_payment_intent_id: string | null;
  stripe_charge_id: string | null;
  /** The dispute or credit note, for those kinds. */
  stripe_object_id: string | null;
  /** Why: a dispute's or credit note's reason, a failure's decline or error code. */
  reason: string | null;
  failure_message: string | null;
  /** The Stripe event that last wrote the row: an older one never overwrites it. */
  stripe_event_id: string;
  last_event_created: Date;
}

/** What a payment intent or an invoice_payment said about a paid invoice's payment, whichever arrived first. */
export interface PaymentFactRow {
  /** The payment intent id (payment_intent.succeeded) or invoice id (invoice_payment.paid). */
  stripe_id: string;
  tenant_id: string;
  stripe_invoice_id: string | null;
  stripe_payment_intent_id: string | null;
  stripe_charge_id: string | null;
  fee_minor: bigint | null;
  application_fee_minor: bigint | null;
}
