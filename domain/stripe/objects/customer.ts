import { z } from 'zod';
import type { CustomerSnapshot } from '../../events/customer-events.ts';
import { expandableId, metadataOrEmpty, orNull } from './fields.ts';

export const stripeCustomerSchema = z
  .looseObject({
    id: z.string(),
    email: orNull(z.string()),
    name: orNull(z.string()),
    // Set on the stub Stripe returns for a deleted customer; CustomerDeleted is deleted whatever this says.
    deleted: z.boolean().optional(),
    metadata: metadataOrEmpty,
  })
  .transform((customer): CustomerSnapshot => ({
    id: customer.id,
    email: customer.email,
    name: customer.name,
    deleted: customer.deleted === true,
    metadata: customer.metadata,
  }));

const invoiceSettings = z.looseObject({
  invoice_settings: orNull(z.looseObject({ default_payment_method: orNull(expandableId) })),
});

/**
 * The payment method a customer's invoices are charged to (invoice_settings.default_payment_method),
 * read from the customer object an event stored: events logged before anyone asked for it carry
 * it too, so a rebuild finds it. Null when unset or unreadable.
 */
export function defaultPaymentMethodOf(storedCustomer: unknown): string | null {
  const parsed = invoiceSettings.safeParse(storedCustomer);
  return parsed.success ? (parsed.data.invoice_settings?.default_payment_method ?? null) : null;
}
