import { z } from 'zod';
import { unixSeconds } from './common.ts';

/**
 * What a tenant asked of Stripe through the billing API, recorded in the tenant's stream when the
 * request succeeded. These are intents, not facts: the subscription and its changes are the
 * webhooks that follow. `customerId` is the tenant's Stripe customer, so routing learns the
 * customer-to-tenant link from these events as it does from webhooks.
 */
const intentSchema = z.object({
  tenantId: z.string(),
  customerId: z.string().nullable(),
  requestedAt: unixSeconds,
});

/** The Stripe customer created for the tenant (with metadata.tenant_id): the customer link. */
export const billingCustomerCreatedSchema = intentSchema.extend({ customerId: z.string() });

export const checkoutRequestedSchema = intentSchema.extend({
  checkoutSessionId: z.string(),
  planId: z.string(),
  stripePriceId: z.string(),
});

export const portalSessionRequestedSchema = intentSchema.extend({ portalSessionId: z.string() });

export const cancellationRequestedSchema = intentSchema.extend({
  subscriptionId: z.string(),
  /** The tenant's words, kept for churn analysis. */
  reason: z.string(),
  /** When the subscription ends: the end of the period already paid for. */
  cancelAt: unixSeconds.nullable(),
});

export const resumeRequestedSchema = intentSchema.extend({ subscriptionId: z.string() });

export const planChangeRequestedSchema = intentSchema.extend({
  subscriptionId: z.string(),
  fromPlanId: z.string().nullable(),
  toPlanId: z.string(),
  toStripePriceId: z.string(),
  direction: z.enum(['upgrade', 'downgrade']),
  /** When the new plan applies: now for an upgrade, the period end for a downgrade. */
  effectiveAt: unixSeconds.nullable(),
  /** The subscription schedule carrying a downgrade to the period end. */
  scheduleId: z.string().nullable(),
});

export type CancellationRequestedData = z.output<typeof cancellationRequestedSchema>;
export type ResumeRequestedData = z.output<typeof resumeRequestedSchema>;
export type PlanChangeRequestedData = z.output<typeof planChangeRequestedSchema>;
