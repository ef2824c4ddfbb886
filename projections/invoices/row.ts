/** An invoice as the tenant sees it, in its latest known state. */
export interface InvoiceRow {
  id: string;
  tenant_id: string;
  stripe_invoice_id: string;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
  number: string | null;
  amount_due_minor: bigint;
  amount_paid_minor: bigint;
  amount_remaining_minor: bigint;
  currency: string;
  status: string;
  period_start: Date | null;
  period_end: Date | null;
  hosted_invoice_url: string | null;
  invoice_pdf: string | null;
  /** When Stripe created the invoice: the list's order. */
  created: Date;
  /** The Stripe event that wrote the row: an older one never overwrites it. */
  last_event_created: Date;
  livemode: boolean;
}
