import { z } from 'zod';
import { stripeMetadata } from '../../events/common.ts';

/** A field Stripe may expand: the id itself, or the object carrying it. */
export const expandableId = z.union([z.string(), z.looseObject({ id: z.string() }).transform((object) => object.id)]);

/** Stripe omits some fields in some API versions and nulls them in others; the ledger stores null for both. */
export function orNull<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? null);
}

/** Deleted objects carry no metadata; an absent map reads as empty. */
export const metadataOrEmpty = stripeMetadata.nullish().transform((metadata) => metadata ?? {});
