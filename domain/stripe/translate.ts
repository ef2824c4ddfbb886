import { z } from 'zod';
import {
  domainTypeForStripeType,
  safeParseDomainEvent,
  type StripeDomainEvent,
  type DomainEventData,
  type ModelledDomainType,
} from '../events/catalogue.ts';
import { unixSeconds, type CommonEventData } from '../events/common.ts';
import { customerIdOf } from './customer-id.ts';
import type { StripeEventEnvelope } from './envelope.ts';
import { stripeChargeSchema } from './objects/charge.ts';
import { stripeCheckoutSessionSchema } from './objects/checkout-session.ts';
import { stripeCreditNoteSchema } from './objects/credit-note.ts';
import { stripeCustomerSchema } from './objects/customer.ts';
import { stripeDisputeSchema } from './objects/dispute.ts';
import { stripeInvoicePaymentSchema } from './objects/invoice-payment.ts';
import { stripeInvoiceSchema } from './objects/invoice.ts';
import { stripePaymentIntentSchema } from './objects/payment-intent.ts';
import { stripePaymentMethodSchema } from './objects/payment-method.ts';
import { stripeSubscriptionSchema } from './objects/subscription.ts';
import { scrubCardData } from './scrub-card-data.ts';

type SpecificFields<T extends ModelledDomainType> = Omit<DomainEventData<T>, keyof CommonEventData>;

const subscriptionFields = stripeSubscriptionSchema.transform((subscription) => ({ subscription }));
const invoiceFields = stripeInvoiceSchema.transform((invoice) => ({ invoice }));
const paymentIntentFields = stripePaymentIntentSchema.transform((paymentIntent) => ({ paymentIntent }));
const disputeFields = stripeDisputeSchema.transform((dispute) => ({ dispute }));
const creditNoteFields = stripeCreditNoteSchema.transform((creditNote) => ({ creditNote }));

/** For each modelled type: how its Stripe object becomes the event's own fields. */
const specificFieldReaders: { [T in ModelledDomainType]: z.ZodType<SpecificFields<T>> } = {
  CheckoutSessionCompleted: stripeCheckoutSessionSchema.transform((session) => ({ session })),
  SubscriptionCreated: subscriptionFields,
  SubscriptionUpdated: subscriptionFields,
  SubscriptionDeleted: subscriptionFields,
  SubscriptionTrialWillEnd: subscriptionFields,
  InvoicePaid: invoiceFields,
  InvoicePaymentFailed: invoiceFields,
  InvoicePaymentActionRequired: invoiceFields,
  InvoicePaymentPaid: stripeInvoicePaymentSchema.transform((invoicePayment) => ({ invoicePayment })),
  CustomerUpdated: stripeCustomerSchema.transform((customer) => ({ customer })),
  // The event itself is the fact of deletion, whether or not its object carries `deleted: true`.
  CustomerDeleted: stripeCustomerSchema.transform((customer) => ({ customer: { ...customer, deleted: true } })),
  PaymentMethodAttached: stripePaymentMethodSchema.transform((paymentMethod) => ({ paymentMethod })),
  ChargeRefunded: stripeChargeSchema.transform((charge) => ({ charge })),
  InvoiceFinalized: invoiceFields,
  InvoiceVoided: invoiceFields,
  InvoiceMarkedUncollectible: invoiceFields,
  InvoicePaymentSucceeded: invoiceFields,
  PaymentIntentSucceeded: paymentIntentFields,
  PaymentIntentPaymentFailed: paymentIntentFields,
  SubscriptionPaused: subscriptionFields,
  SubscriptionResumed: subscriptionFields,
  ChargeDisputeCreated: disputeFields,
  ChargeDisputeUpdated: disputeFields,
  ChargeDisputeClosed: disputeFields,
  CreditNoteCreated: creditNoteFields,
  CreditNoteVoided: creditNoteFields,
};

/**
 * The domain event for a verified Stripe event. Never throws on Stripe's data: a type we do not
 * model, or an object we cannot read, becomes StripeEventRecorded, because a verified event is
 * never dropped.
 */
export function translateStripeEvent(envelope: StripeEventEnvelope, tenantId: string | null): StripeDomainEvent {
  const { object, previous_attributes: previousAttributes } = envelope.data;
  const common: CommonEventData = {
    tenantId,
    customerId: customerIdOf(object),
    stripe: {
      eventId: envelope.id,
      type: envelope.type,
      created: envelope.created,
      apiVersion: envelope.api_version,
      livemode: envelope.livemode,
      object: scrubCardData(object),
      previousAttributes: previousAttributes ? scrubCardData(previousAttributes) : null,
    },
  };

  const domainType = domainTypeForStripeType(envelope.type);
  if (domainType === null) return recorded(common, 'unmodelled_type', null);

  const fields = specificFieldReaders[domainType].safeParse(object);
  if (!fields.success) return recorded(common, 'invalid_shape', z.prettifyError(fields.error));

  // Checked against the catalogue so that what we append always parses back when read.
  const event = safeParseDomainEvent(domainType, { ...common, ...fields.data });
  // A modelled Stripe type parses to its own (Stripe) event type, never an intent.
  return event.success ? (event.event as StripeDomainEvent) : recorded(common, 'invalid_shape', event.error);
}

/**
 * The domain event for a verified body that is not a Stripe v1 event envelope (e.g. a v2 "thin"
 * event, or a v1 event with a malformed field): recorded as invalid_envelope with `detail` saying
 * why, the whole body (minus card data) as its object and no tenant, because a verified event is
 * never dropped. Reads what it can of the envelope fields. The caller guarantees `body.id` is a
 * non-empty string; for nesting_too_deep it passes only the body's top-level scalar fields.
 */
export function translateUnreadableStripeEvent(
  body: Record<string, unknown>,
  detail: string,
  reason: 'invalid_envelope' | 'nesting_too_deep' = 'invalid_envelope',
): StripeDomainEvent {
  const common: CommonEventData = {
    tenantId: null,
    customerId: null,
    stripe: {
      eventId: String(body.id),
      type: typeof body.type === 'string' ? body.type : 'unknown',
      created: unixSecondsOf(body.created),
      apiVersion: typeof body.api_version === 'string' ? body.api_version : null,
      livemode: typeof body.livemode === 'boolean' ? body.livemode : false,
      object: scrubCardData(body),
      previousAttributes: null,
    },
  };
  return recorded(common, reason, detail);
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T/;

/**
 * v1 events carry Unix seconds, v2 events an ISO 8601 timestamp; anything else, and any time
 * outside the bounds of `unixSeconds`, reads as 0.
 */
function unixSecondsOf(created: unknown): number {
  let seconds: number | null = null;
  if (typeof created === 'number') seconds = created;
  else if (typeof created === 'string' && ISO_DATE_TIME.test(created)) seconds = Math.floor(Date.parse(created) / 1000);
  const inRange = unixSeconds.safeParse(seconds);
  return inRange.success ? inRange.data : 0;
}

function recorded(
  common: CommonEventData,
  reason: DomainEventData<'StripeEventRecorded'>['reason'],
  detail: string | null,
): StripeDomainEvent {
  return { type: 'StripeEventRecorded', data: { ...common, reason, detail } };
}
