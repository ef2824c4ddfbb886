/** Which tenant a Stripe customer, invoice, charge or payment intent belongs to, as first learnt from an event. */
export interface StripeObjectLinkRow {
  stripe_object_id: string;
  tenant_id: string;
  linked_by_event_id: string;
}

/** An event parked in `unrouted`; `rerouted_to` names the tenant stream its copy appeared in. */
export interface ParkedEventRow {
  event_id: string;
  stream_revision: bigint;
  stripe_event_id: string;
  stripe_type: string;
  stripe_customer_id: string | null;
  stripe_invoice_id: string | null;
  /** The charge and payment intent it pays, refunds or disputes: all a dispute names. */
  stripe_charge_id: string | null;
  stripe_payment_intent_id: string | null;
  hinted_tenant_id: string | null;
  stripe_created: Date;
  rerouted_to: string | null;
}
