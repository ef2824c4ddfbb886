import { z } from 'zod';
import { commonEventDataSchema, stripeMetadata } from './common.ts';

export const customerSnapshotSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  deleted: z.boolean(),
  metadata: stripeMetadata,
});

/** CustomerUpdated and CustomerDeleted share it. */
export const customerEventDataSchema = commonEventDataSchema.extend({
  customer: customerSnapshotSchema,
});

export type CustomerSnapshot = z.output<typeof customerSnapshotSchema>;
export type CustomerEventData = z.output<typeof customerEventDataSchema>;
