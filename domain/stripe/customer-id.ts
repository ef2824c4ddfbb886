import { expandableId } from './objects/fields.ts';

/** The Stripe customer an object belongs to: its `customer` (id or expanded), or itself for a customer. */
export function customerIdOf(object: Record<string, unknown>): string | null {
  if (object.object === 'customer') return typeof object.id === 'string' ? object.id : null;
  const customer = expandableId.safeParse(object.customer);
  return customer.success ? customer.data : null;
}
