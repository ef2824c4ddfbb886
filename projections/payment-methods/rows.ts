/**
 * A payment method attached to a tenant's Stripe customer. Of a card it holds the brand, the
 * last 4 digits and the expiry, and nothing more.
 */
export interface PaymentMethodRow {
  stripe_payment_method_id: string;
  tenant_id: string;
  stripe_customer_id: string | null;
  type: string;
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  /** The Stripe event that attached it: an older one never overwrites it. */
  last_event_created: Date;
  livemode: boolean;
}

/**
 * A customer's default payment method for invoices, from customer.updated. Kept apart from the
 * methods so that either may arrive first: the API marks the default when it reads them.
 */
export interface DefaultPaymentMethodRow {
  stripe_customer_id: string;
  tenant_id: string;
  stripe_payment_method_id: string | null;
  last_event_created: Date;
}
