import { z } from 'zod';
import type { CustomerSnapshot } from '../../events/customer-events.ts';
import { metadataOrEmpty, orNull } from './fields.ts';

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
