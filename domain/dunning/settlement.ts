/** An invoice, as far as deciding whether a payment settles a failure needs it. */
export interface InvoiceRef {
  readonly invoiceId: string;
  readonly subscriptionId: string | null;
  /** The invoice's own `created` (Unix seconds). */
  readonly invoiceCreated: number;
}

/**
 * Whether a paid invoice settles a failed one. The same invoice does, in whatever order Stripe
 * delivered the two events: an invoice once paid never goes back to open, so a failure that
 * arrives after the payment is old news. So does any later invoice of the same subscription
 * (by the invoices' `created`): Stripe's subscription status follows its latest invoice, so the
 * tenant is paying again, and the older open invoice is left to Stripe's own collection
 * (retries, voiding). An earlier invoice's payment settles nothing newer.
 */
export function settles(paid: InvoiceRef, failed: InvoiceRef): boolean {
  if (paid.invoiceId === failed.invoiceId) return true;
  return paid.subscriptionId !== null && paid.subscriptionId === failed.subscriptionId && paid.invoiceCreated > failed.invoiceCreated;
}
