/** A paid invoice. */
export interface PaymentRow {
  id: string;
  tenant_id: string;
  stripe_invoice_id: string;
  stripe_payment_intent_id: string | null;
  stripe_charge_id: string | null;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
  invoice_number: string | null;
  amount_minor: bigint;
  /** Sum of the refunds that name its invoice, intent or charge (in its tenant). */
  amount_refunded_minor: bigint;
  currency: string;
  status: string;
  description: string | null;
  paid_at: Date;
  period_start: Date | null;
  period_end: Date | null;
  receipt_url: string | null;
  invoice_created: Date;
  /** False for Stripe test-mode payments, which are no money: finance filters on it. */
  livemode: boolean;
}

/** A refunded charge: `amount_refunded_minor` is cumulative, as Stripe reports it on the charge. */
export interface RefundRow {
  stripe_charge_id: string;
  tenant_id: string;
  stripe_payment_intent_id: string | null;
  stripe_invoice_id: string | null;
  amount_refunded_minor: bigint;
  currency: string;
}

/** Which payment intent and charge settled an invoice (current API versions say so in invoice_payment.paid). */
export interface InvoicePaymentLinkRow {
  stripe_invoice_id: string;
  tenant_id: string;
  stripe_payment_intent_id: string | null;
  stripe_charge_id: string | null;
}
