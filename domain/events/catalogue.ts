import { z } from 'zod';
import {
  billingCustomerCreatedSchema,
  cancellationRequestedSchema,
  checkoutRequestedSchema,
  planChangeRequestedSchema,
  portalSessionRequestedSchema,
  resumeRequestedSchema,
} from './billing-intent-events.ts';
import { chargeRefundedSchema } from './charge-events.ts';
import { creditNoteEventDataSchema } from './credit-note-events.ts';
import { disputeEventDataSchema } from './dispute-events.ts';
import { paymentIntentEventDataSchema } from './payment-intent-events.ts';
import { checkoutSessionCompletedSchema } from './checkout-events.ts';
import { customerEventDataSchema } from './customer-events.ts';
import { invoiceEventDataSchema, invoicePaymentPaidSchema } from './invoice-events.ts';
import { paymentMethodAttachedSchema } from './payment-method-events.ts';
import {
  accessRestoredSchema,
  accessRevokedSchema,
  accessSuspendedSchema,
  operatorAlertRaisedSchema,
  provisioningDelayedSchema,
  provisioningReadySchema,
  provisioningRetryRequestedSchema,
  provisioningStartedSchema,
  provisioningStepDoneSchema,
  provisioningStepFailedSchema,
  provisioningStepStartedSchema,
} from './process-events.ts';
import { stripeEventRecordedSchema } from './stripe-event-recorded.ts';
import { subscriptionEventDataSchema } from './subscription-events.ts';

/** Every domain event type and the schema of its data. */
export const domainEventSchemas = {
  CheckoutSessionCompleted: checkoutSessionCompletedSchema,
  SubscriptionCreated: subscriptionEventDataSchema,
  SubscriptionUpdated: subscriptionEventDataSchema,
  SubscriptionDeleted: subscriptionEventDataSchema,
  SubscriptionTrialWillEnd: subscriptionEventDataSchema,
  InvoicePaid: invoiceEventDataSchema,
  InvoicePaymentFailed: invoiceEventDataSchema,
  InvoicePaymentActionRequired: invoiceEventDataSchema,
  InvoicePaymentPaid: invoicePaymentPaidSchema,
  CustomerUpdated: customerEventDataSchema,
  CustomerDeleted: customerEventDataSchema,
  PaymentMethodAttached: paymentMethodAttachedSchema,
  ChargeRefunded: chargeRefundedSchema,
  // Finance: the invoice lifecycle, collection attempts, pauses, disputes and credit notes.
  InvoiceFinalized: invoiceEventDataSchema,
  InvoiceVoided: invoiceEventDataSchema,
  InvoiceMarkedUncollectible: invoiceEventDataSchema,
  InvoicePaymentSucceeded: invoiceEventDataSchema,
  PaymentIntentSucceeded: paymentIntentEventDataSchema,
  PaymentIntentPaymentFailed: paymentIntentEventDataSchema,
  SubscriptionPaused: subscriptionEventDataSchema,
  SubscriptionResumed: subscriptionEventDataSchema,
  ChargeDisputeCreated: disputeEventDataSchema,
  ChargeDisputeUpdated: disputeEventDataSchema,
  ChargeDisputeClosed: disputeEventDataSchema,
  CreditNoteCreated: creditNoteEventDataSchema,
  CreditNoteVoided: creditNoteEventDataSchema,
  StripeEventRecorded: stripeEventRecordedSchema,
  // Intents of the billing API (no Stripe event behind them): see billing-intent-events.ts.
  BillingCustomerCreated: billingCustomerCreatedSchema,
  CheckoutRequested: checkoutRequestedSchema,
  PortalSessionRequested: portalSessionRequestedSchema,
  CancellationRequested: cancellationRequestedSchema,
  ResumeRequested: resumeRequestedSchema,
  PlanChangeRequested: planChangeRequestedSchema,
  // The process manager's own record, in its streams: see process-events.ts.
  ProvisioningStarted: provisioningStartedSchema,
  ProvisioningStepStarted: provisioningStepStartedSchema,
  ProvisioningStepDone: provisioningStepDoneSchema,
  ProvisioningStepFailed: provisioningStepFailedSchema,
  ProvisioningDelayed: provisioningDelayedSchema,
  ProvisioningRetryRequested: provisioningRetryRequestedSchema,
  ProvisioningReady: provisioningReadySchema,
  OperatorAlertRaised: operatorAlertRaisedSchema,
  AccessSuspended: accessSuspendedSchema,
  AccessRestored: accessRestoredSchema,
  AccessRevoked: accessRevokedSchema,
} as const satisfies Record<string, z.ZodType>;

export type DomainEventType = keyof typeof domainEventSchemas;

export type DomainEventData<T extends DomainEventType> = z.output<(typeof domainEventSchemas)[T]>;

/** The billing API's own intents; every other type comes from a Stripe event and carries `stripe`. */
export const INTENT_EVENT_TYPES = [
  'BillingCustomerCreated',
  'CheckoutRequested',
  'PortalSessionRequested',
  'CancellationRequested',
  'ResumeRequested',
  'PlanChangeRequested',
] as const satisfies readonly DomainEventType[];

export type IntentEventType = (typeof INTENT_EVENT_TYPES)[number];

/** The process manager's own events: neither Stripe facts nor tenant intents. */
export const PROCESS_EVENT_TYPES = [
  'ProvisioningStarted',
  'ProvisioningStepStarted',
  'ProvisioningStepDone',
  'ProvisioningStepFailed',
  'ProvisioningDelayed',
  'ProvisioningRetryRequested',
  'ProvisioningReady',
  'OperatorAlertRaised',
  'AccessSuspended',
  'AccessRestored',
  'AccessRevoked',
] as const satisfies readonly DomainEventType[];

export type ProcessEventType = (typeof PROCESS_EVENT_TYPES)[number];

export type DomainEvent = { [T in DomainEventType]: { type: T; data: DomainEventData<T> } }[DomainEventType];

/** An event translated from a Stripe event: every type but the intents and the process manager's, each with its `stripe` source. */
export type StripeDomainEvent = Exclude<DomainEvent, { type: IntentEventType | ProcessEventType }>;

const NOT_FROM_STRIPE: ReadonlySet<string> = new Set([...INTENT_EVENT_TYPES, ...PROCESS_EVENT_TYPES]);

export function isStripeDomainEvent(event: DomainEvent): event is StripeDomainEvent {
  return !NOT_FROM_STRIPE.has(event.type);
}

export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

/** The Stripe event types the catalogue models; every other verified event becomes StripeEventRecorded. */
export const stripeTypeToDomainType = {
  'checkout.session.completed': 'CheckoutSessionCompleted',
  'customer.subscription.created': 'SubscriptionCreated',
  'customer.subscription.updated': 'SubscriptionUpdated',
  'customer.subscription.deleted': 'SubscriptionDeleted',
  'customer.subscription.trial_will_end': 'SubscriptionTrialWillEnd',
  'invoice.paid': 'InvoicePaid',
  'invoice.payment_failed': 'InvoicePaymentFailed',
  'invoice.payment_action_required': 'InvoicePaymentActionRequired',
  'invoice_payment.paid': 'InvoicePaymentPaid',
  'customer.updated': 'CustomerUpdated',
  'customer.deleted': 'CustomerDeleted',
  'payment_method.attached': 'PaymentMethodAttached',
  'charge.refunded': 'ChargeRefunded',
  'invoice.finalized': 'InvoiceFinalized',
  'invoice.voided': 'InvoiceVoided',
  'invoice.marked_uncollectible': 'InvoiceMarkedUncollectible',
  'invoice.payment_succeeded': 'InvoicePaymentSucceeded',
  'payment_intent.succeeded': 'PaymentIntentSucceeded',
  'payment_intent.payment_failed': 'PaymentIntentPaymentFailed',
  'customer.subscription.paused': 'SubscriptionPaused',
  'customer.subscription.resumed': 'SubscriptionResumed',
  'charge.dispute.created': 'ChargeDisputeCreated',
  'charge.dispute.updated': 'ChargeDisputeUpdated',
  'charge.dispute.closed': 'ChargeDisputeClosed',
  'credit_note.created': 'CreditNoteCreated',
  'credit_note.voided': 'CreditNoteVoided',
} as const satisfies Record<string, Exclude<DomainEventType, 'StripeEventRecorded'>>;

export type StripeEventType = keyof typeof stripeTypeToDomainType;
export type ModelledDomainType = (typeof stripeTypeToDomainType)[StripeEventType];

/** Own keys only, so a Stripe type such as "constructor" is not mistaken for a modelled one. */
export function domainTypeForStripeType(stripeType: string): ModelledDomainType | null {
  return Object.hasOwn(stripeTypeToDomainType, stripeType)
    ? stripeTypeToDomainType[stripeType as StripeEventType]
    : null;
}

export function isDomainEventType(type: string): type is DomainEventType {
  return Object.hasOwn(domainEventSchemas, type);
}

export type DomainEventParseResult = { success: true; event: DomainEvent } | { success: false; error: string };

export function safeParseDomainEvent(type: string, data: unknown): DomainEventParseResult {
  if (!isDomainEventType(type)) return { success: false, error: `unknown domain event type ${JSON.stringify(type)}` };
  const parsed = domainEventSchemas[type].safeParse(data);
  if (!parsed.success) return { success: false, error: `invalid ${type} event data: ${z.prettifyError(parsed.error)}` };
  // The schema chosen by `type` produced `data`, so the pair is a DomainEvent; TS cannot correlate them.
  return { success: true, event: { type, data: parsed.data } as DomainEvent };
}

export function parseDomainEvent(type: string, data: unknown): DomainEvent {
  const result = safeParseDomainEvent(type, data);
  if (!result.success) throw new Error(result.error);
  return result.event;
}
