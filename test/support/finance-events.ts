import type { DomainEventOf } from '../../domain/events/catalogue.ts';
import type { CreditNoteSnapshot } from '../../domain/events/credit-note-events.ts';
import type { DisputeSnapshot } from '../../domain/events/dispute-events.ts';
import type { PaymentIntentSnapshot } from '../../domain/events/payment-intent-events.ts';
import { T0, TENANT } from './domain-events.ts';

/** Finance domain events as the catalogue types them, for folding without a database. */

type Options = { tenantId?: string | null; created?: number; customerId?: string | null };

function common(stripeType: string, o: Options) {
  const created = o.created ?? T0;
  return {
    tenantId: o.tenantId === undefined ? TENANT : o.tenantId,
    customerId: o.customerId ?? null,
    stripe: { eventId: `evt_${stripeType}_${created}`, type: stripeType, created, apiVersion: '2023-10-16', livemode: false, object: {}, previousAttributes: null },
  };
}

export function paymentIntentEvent(
  type: 'PaymentIntentSucceeded' | 'PaymentIntentPaymentFailed',
  pi: Partial<PaymentIntentSnapshot> & Pick<PaymentIntentSnapshot, 'id'>,
  o: Options = {},
): DomainEventOf<'PaymentIntentSucceeded' | 'PaymentIntentPaymentFailed'> {
  const failed = type === 'PaymentIntentPaymentFailed';
  return {
    type,
    data: {
      ...common(failed ? 'payment_intent.payment_failed' : 'payment_intent.succeeded', o),
      paymentIntent: {
        amount: 14_900,
        amountReceived: failed ? 0 : 14_900,
        currency: 'USD',
        status: failed ? 'requires_payment_method' : 'succeeded',
        invoiceId: null,
        chargeId: null,
        stripeFee: null,
        applicationFee: null,
        failureCode: failed ? 'card_declined' : null,
        declineCode: failed ? 'insufficient_funds' : null,
        failureMessage: failed ? 'Your card has insufficient funds.' : null,
        created: T0,
        ...pi,
      },
    },
  } as DomainEventOf<'PaymentIntentSucceeded' | 'PaymentIntentPaymentFailed'>;
}

export function disputeEvent(
  type: 'ChargeDisputeCreated' | 'ChargeDisputeUpdated' | 'ChargeDisputeClosed',
  dispute: Partial<DisputeSnapshot> & Pick<DisputeSnapshot, 'id' | 'chargeId' | 'status'>,
  o: Options = {},
): DomainEventOf<'ChargeDisputeCreated'> {
  const stripeType = { ChargeDisputeCreated: 'charge.dispute.created', ChargeDisputeUpdated: 'charge.dispute.updated', ChargeDisputeClosed: 'charge.dispute.closed' }[type];
  return {
    type,
    data: { ...common(stripeType, o), dispute: { paymentIntentId: null, amount: 10_000, currency: 'USD', reason: 'fraudulent', fee: 1_500, created: T0, ...dispute } },
  } as DomainEventOf<'ChargeDisputeCreated'>;
}

export function creditNoteEvent(
  type: 'CreditNoteCreated' | 'CreditNoteVoided',
  note: Partial<CreditNoteSnapshot> & Pick<CreditNoteSnapshot, 'id'>,
  o: Options = {},
): DomainEventOf<'CreditNoteCreated'> {
  return {
    type,
    data: {
      ...common(type === 'CreditNoteCreated' ? 'credit_note.created' : 'credit_note.voided', o),
      creditNote: { number: null, invoiceId: null, total: 2_000, currency: 'USD', status: type === 'CreditNoteVoided' ? 'void' : 'issued', reason: null, pdf: null, created: T0, ...note },
    },
  } as DomainEventOf<'CreditNoteCreated'>;
}
