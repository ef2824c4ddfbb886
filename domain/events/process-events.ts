import { z } from 'zod';
import { unixSeconds } from './common.ts';

/**
 * Events the process manager records in its own streams (`provisioning-<tenantId>`,
 * `dunning-<tenantId>`): its state, read back after a crash, and the audit of what it did.
 * Every one names its tenant and when it happened (`at`, Unix seconds of the process clock).
 * Their metadata carries `correlationId` (the process run) and `causationId` (the event id that
 * led to it: a tenant event, or the step before).
 */
const processEventSchema = z.object({ tenantId: z.string(), at: unixSeconds });

export const PROVISIONING_STEPS = ['order-server', 'wait-for-ip', 'dns', 'ssh-keys', 'email', 'mark-ready'] as const;
export const provisioningStep = z.enum(PROVISIONING_STEPS);
export type ProvisioningStep = z.output<typeof provisioningStep>;

/** What a step found out, kept for the steps after it and for the status API: never a secret. */
const stepResult = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const provisioningStartedSchema = processEventSchema.extend({
  /** The Stripe event type that started it: checkout.session.completed, or the first activation. */
  trigger: z.string(),
  stripeEventId: z.string().nullable(),
  hostname: z.string(),
});

export const provisioningStepStartedSchema = processEventSchema.extend({ step: provisioningStep, attempt: z.number().int().positive() });

export const provisioningStepDoneSchema = processEventSchema.extend({
  step: provisioningStep,
  attempt: z.number().int().positive(),
  result: stepResult,
  /** The step ran against a local simulator, not a real provider. */
  simulated: z.boolean(),
});

export const provisioningStepFailedSchema = processEventSchema.extend({
  step: provisioningStep,
  attempt: z.number().int().positive(),
  error: z.string(),
  /** When the next attempt is due; null when the retries are exhausted (the process is delayed). */
  retryAt: unixSeconds.nullable(),
});

export const provisioningDelayedSchema = processEventSchema.extend({
  step: provisioningStep,
  reason: z.string(),
  /** When it will be tried again by itself, if ever; null: it waits for `ledger provisioning retry`. */
  retryAt: unixSeconds.nullable(),
});

export const provisioningRetryRequestedSchema = processEventSchema.extend({ step: provisioningStep, requestedBy: z.string() });

export const provisioningReadySchema = processEventSchema.extend({
  hostname: z.string(),
  ip: z.string(),
  sshUser: z.string(),
  publicKeys: z.object({ admin: z.string(), tenant: z.string() }),
  /** Where the private keys are (Vault KV v2 path, or the local secret store's). */
  vaultPath: z.string(),
  simulated: z.boolean(),
});

export const operatorAlertRaisedSchema = processEventSchema.extend({
  process: z.string(),
  summary: z.string(),
});

/** Access changes decided by dunning and by subscription ends. */
export const accessSuspendedSchema = processEventSchema.extend({ invoiceId: z.string(), reason: z.string() });
export const accessRestoredSchema = processEventSchema.extend({ invoiceId: z.string().nullable(), reason: z.string() });
export const accessRevokedSchema = processEventSchema.extend({ subscriptionId: z.string(), reason: z.string() });

export type ProvisioningReadyData = z.output<typeof provisioningReadySchema>;
