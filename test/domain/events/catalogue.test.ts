import { expect } from 'chai';
import {
  domainEventSchemas,
  domainTypeForStripeType,
  parseDomainEvent,
  stripeTypeToDomainType,
} from '../../../domain/events/catalogue.ts';

const common = {
  tenantId: 'tenant_42',
  customerId: 'cus_123',
  stripe: { eventId: 'evt_1', type: 'customer.updated', created: 1735027200, apiVersion: null, livemode: false, object: { id: 'cus_123' }, previousAttributes: null },
};
const customerUpdated = { ...common, customer: { id: 'cus_123', email: null, name: 'Acme', deleted: false, metadata: {} } };

describe('domain event catalogue', () => {
  it('names every event type others code against', () => {
    expect(Object.keys(domainEventSchemas).sort()).to.deep.equal([
      'AccessRestored',
      'AccessRevocationCancelled',
      'AccessRevocationScheduled',
      'AccessRevoked',
      'AccessSuspended',
      'ActivationConfirmationRequested',
      'ActivationConfirmationSending',
      'ActivationConfirmed',
      'BillingCustomerCreated',
      'CancellationRequested',
      'ChargeDisputeClosed',
      'ChargeDisputeCreated',
      'ChargeDisputeUpdated',
      'ChargeRefunded',
      'CheckoutRequested',
      'CheckoutSessionCompleted',
      'CreditNoteCreated',
      'CreditNoteVoided',
      'CustomerDeleted',
      'CustomerUpdated',
      'DunningNoticeSending',
      'DunningNoticeSent',
      'DunningResolved',
      'DunningStarted',
      'InvoiceFinalized',
      'InvoiceMarkedUncollectible',
      'InvoicePaid',
      'InvoicePaymentActionRequired',
      'InvoicePaymentFailed',
      'InvoicePaymentPaid',
      'InvoicePaymentSucceeded',
      'InvoiceVoided',
      'OperatorAlertRaised',
      'PaymentIntentPaymentFailed',
      'PaymentIntentSucceeded',
      'PaymentMethodAttached',
      'PlanChangeRequested',
      'PortalSessionRequested',
      'ProvisioningDelayed',
      'ProvisioningReady',
      'ProvisioningRetryRequested',
      'ProvisioningStarted',
      'ProvisioningStepDone',
      'ProvisioningStepFailed',
      'ProvisioningStepStarted',
      'ResumeRequested',
      'StripeEventRecorded',
      'SubscriptionCreated',
      'SubscriptionDeleted',
      'SubscriptionPaused',
      'SubscriptionResumed',
      'SubscriptionTrialWillEnd',
      'SubscriptionUpdated',
    ]);
  });

  it('maps every modelled Stripe type to a catalogued event type, and nothing to StripeEventRecorded', () => {
    const targets = Object.values(stripeTypeToDomainType);
    expect(targets).to.have.length(26);
    expect(new Set(targets).size).to.equal(26);
    for (const type of targets) expect(domainEventSchemas).to.have.property(type);
    expect(targets).not.to.include('StripeEventRecorded');
  });

  it('looks up only modelled Stripe types', () => {
    expect(domainTypeForStripeType('invoice.paid')).to.equal('InvoicePaid');
    expect(domainTypeForStripeType('invoice.created')).to.equal(null);
    expect(domainTypeForStripeType('toString')).to.equal(null);
  });

  describe('parseDomainEvent', () => {
    it('returns the typed event for valid data', () => {
      expect(parseDomainEvent('CustomerUpdated', customerUpdated)).to.deep.equal({ type: 'CustomerUpdated', data: customerUpdated });
    });

    it('reads an event stored before stripe.previousAttributes existed, as null', () => {
      const { previousAttributes: _missing, ...oldStripe } = common.stripe;
      expect(parseDomainEvent('CustomerUpdated', { ...customerUpdated, stripe: oldStripe })).to.deep.equal({ type: 'CustomerUpdated', data: customerUpdated });
      const recorded = { ...common, stripe: oldStripe, reason: 'unmodelled_type', detail: null };
      const parsed = parseDomainEvent('StripeEventRecorded', recorded);
      expect(parsed.type === 'StripeEventRecorded' && parsed.data.stripe.previousAttributes).to.equal(null);
    });

    it('throws naming an unknown type', () => {
      expect(() => parseDomainEvent('CustomerRenamed', customerUpdated)).to.throw(/unknown domain event type "CustomerRenamed"/);
    });

    it('throws naming the type and the field for invalid data', () => {
      const invalid = { ...customerUpdated, customer: { ...customerUpdated.customer, deleted: 'no' } };
      expect(() => parseDomainEvent('CustomerUpdated', invalid)).to.throw(/invalid CustomerUpdated event data[\s\S]*deleted/);
    });

    it('rejects a lower-case currency and a fractional amount', () => {
      const charge = { id: 'ch_1', paymentIntentId: null, invoiceId: null, amount: 100, amountRefunded: 0, currency: 'USD', refunded: false, receiptUrl: null };
      expect(() => parseDomainEvent('ChargeRefunded', { ...common, charge })).not.to.throw();
      expect(() => parseDomainEvent('ChargeRefunded', { ...common, charge: { ...charge, currency: 'usd' } })).to.throw(/currency/);
      expect(() => parseDomainEvent('ChargeRefunded', { ...common, charge: { ...charge, amount: 1.5 } })).to.throw(/amount/);
    });

    it('refuses card details beyond brand, last4 and expiry', () => {
      const paymentMethod = { id: 'pm_1', type: 'card', card: { brand: 'visa', last4: '4242', expMonth: 8, expYear: 2030 } };
      expect(() => parseDomainEvent('PaymentMethodAttached', { ...common, paymentMethod })).not.to.throw();
      const withFingerprint = { ...paymentMethod, card: { ...paymentMethod.card, fingerprint: 'abc' } };
      expect(() => parseDomainEvent('PaymentMethodAttached', { ...common, paymentMethod: withFingerprint })).to.throw(/fingerprint/);
    });
  });
});
