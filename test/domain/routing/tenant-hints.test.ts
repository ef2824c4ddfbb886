import { expect } from 'chai';
import { canonicalTenantId, linkedObjectHints, resolveTenant, tenantHints } from '../../../domain/routing/tenant-hints.ts';
import { FIXTURE_SHAPES, fixtureEvent, stripeObject, type FixtureShape } from '../../support/stripe-fixtures.ts';

/** A fixture invoice whose subscription details carry `metadata`, wherever that API shape puts them. */
function invoiceWithSubscriptionMetadata(shape: FixtureShape, metadata: Record<string, string>, overrides: Record<string, unknown> = {}) {
  const location =
    shape === '2023-10'
      ? { subscription_details: { metadata } }
      : { parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_123', metadata } } };
  return fixtureEvent(shape, 'invoice.paid', 'invoice', { ...location, ...overrides });
}

const NO_PAYMENT = { chargeId: null, paymentIntentId: null };

describe('tenantHints', () => {
  for (const shape of FIXTURE_SHAPES) {
    describe(`${shape} shape`, () => {
      it("takes the object's metadata.tenant_id", () => {
        const hints = tenantHints(fixtureEvent(shape, 'customer.subscription.updated', 'subscription', { metadata: { tenant_id: 'tenant_sub' } }));
        expect(hints).to.deep.equal({ tenantId: 'tenant_sub', customerId: stripeObject(shape, 'subscription').customer, invoiceId: null, ...NO_PAYMENT });
      });

      it("takes a customer's own metadata.tenant_id, the customer being its customerId", () => {
        const hints = tenantHints(fixtureEvent(shape, 'customer.updated', 'customer', { id: 'cus_9', metadata: { tenant_id: 'tenant_cus' } }));
        expect(hints).to.deep.equal({ tenantId: 'tenant_cus', customerId: 'cus_9', invoiceId: null, ...NO_PAYMENT });
      });

      it("takes a checkout session's client_reference_id when its metadata names no tenant", () => {
        const hints = tenantHints(fixtureEvent(shape, 'checkout.session.completed', 'checkout.session', { client_reference_id: 'tenant_ref', customer: 'cus_1' }));
        expect(hints).to.deep.equal({ tenantId: 'tenant_ref', customerId: 'cus_1', invoiceId: null, ...NO_PAYMENT });
      });

      it("prefers a checkout session's metadata over its client_reference_id", () => {
        const hints = tenantHints(
          fixtureEvent(shape, 'checkout.session.completed', 'checkout.session', { client_reference_id: 'tenant_ref', metadata: { tenant_id: 'tenant_meta' } }),
        );
        expect(hints.tenantId).to.equal('tenant_meta');
      });

      it("takes an invoice's subscription details metadata", () => {
        const hints = tenantHints(invoiceWithSubscriptionMetadata(shape, { tenant_id: 'tenant_inv' }));
        expect(hints).to.deep.equal({ tenantId: 'tenant_inv', customerId: stripeObject(shape, 'invoice').customer, invoiceId: null, ...NO_PAYMENT });
      });

      it("prefers the invoice's own metadata over its subscription details", () => {
        const hints = tenantHints(invoiceWithSubscriptionMetadata(shape, { tenant_id: 'tenant_sub' }, { metadata: { tenant_id: 'tenant_own' } }));
        expect(hints.tenantId).to.equal('tenant_own');
      });

      it('falls back to the metadata of an expanded customer', () => {
        const hints = tenantHints(
          fixtureEvent(shape, 'invoice.paid', 'invoice', { customer: { id: 'cus_x', object: 'customer', metadata: { tenant_id: 'tenant_exp' } } }),
        );
        expect(hints).to.deep.equal({ tenantId: 'tenant_exp', customerId: 'cus_x', invoiceId: null, ...NO_PAYMENT });
      });

      it('ignores empty tenant ids and moves on to the next rule', () => {
        const session = fixtureEvent(shape, 'checkout.session.completed', 'checkout.session', { metadata: { tenant_id: '' }, client_reference_id: 'tenant_ref' });
        expect(tenantHints(session).tenantId).to.equal('tenant_ref');
        const invoice = invoiceWithSubscriptionMetadata(shape, { tenant_id: 'tenant_inv' }, { metadata: { tenant_id: '  ' } });
        expect(tenantHints(invoice).tenantId).to.equal('tenant_inv');
      });

      it('gives no tenant for the unchanged fixtures', () => {
        for (const [type, name] of [
          ['invoice.paid', 'invoice'],
          ['checkout.session.completed', 'checkout.session'],
          ['customer.subscription.updated', 'subscription'],
          ['customer.updated', 'customer'],
        ] as const) {
          expect(tenantHints(fixtureEvent(shape, type, name)).tenantId, name).to.equal(null);
        }
        expect(tenantHints(invoiceWithSubscriptionMetadata(shape, { tenant_id: '' })).tenantId).to.equal(null);
      });
    });
  }

  it('reads client_reference_id only on checkout sessions', () => {
    const charge = fixtureEvent('current', 'charge.succeeded', 'charge', { client_reference_id: 'tenant_ref' });
    expect(tenantHints(charge).tenantId).to.equal(null);
  });

  it('reads subscription details only on invoices', () => {
    const charge = fixtureEvent('2023-10', 'charge.succeeded', 'charge', { subscription_details: { metadata: { tenant_id: 'tenant_x' } } });
    expect(tenantHints(charge).tenantId).to.equal(null);
  });
});

describe('resolveTenant', () => {
  it('prefers the tenant the event names over the customer link', () => {
    expect(resolveTenant({ tenantId: 'tenant_meta', customerId: 'cus_1', invoiceId: null, ...NO_PAYMENT }, 'tenant_link')).to.equal('tenant_meta');
  });

  it('falls back to the customer link', () => {
    expect(resolveTenant({ tenantId: null, customerId: 'cus_1', invoiceId: null, ...NO_PAYMENT }, 'tenant_link')).to.equal('tenant_link');
  });

  it('gives null when neither names a tenant', () => {
    expect(resolveTenant({ tenantId: null, customerId: null, invoiceId: null, ...NO_PAYMENT }, null)).to.equal(null);
    expect(resolveTenant({ tenantId: null, customerId: 'cus_1', invoiceId: null, ...NO_PAYMENT }, '')).to.equal(null);
  });
});

describe('canonical tenant ids', () => {
  const UPPER = 'AAAAAAAA-0000-4000-8000-00000000000A';
  const LOWER = 'aaaaaaaa-0000-4000-8000-00000000000a';

  it('lower-cases a UUID tenant id, matched case-insensitively', () => {
    expect(canonicalTenantId(UPPER)).to.equal(LOWER);
    expect(canonicalTenantId('AaAaAaAa-0000-4000-8000-00000000000A')).to.equal(LOWER);
    expect(canonicalTenantId(LOWER)).to.equal(LOWER);
  });

  it('keeps other ids, and null, as they are', () => {
    expect(canonicalTenantId('Tenant_ABC')).to.equal('Tenant_ABC');
    expect(canonicalTenantId(`${UPPER}-X`)).to.equal(`${UPPER}-X`);
    expect(canonicalTenantId(null)).to.equal(null);
  });

  for (const shape of FIXTURE_SHAPES) {
    it(`gives every tenant hint of a UUID in lower case (${shape} shape)`, () => {
      const fromMetadata = fixtureEvent(shape, 'customer.subscription.updated', 'subscription', { metadata: { tenant_id: UPPER } });
      expect(tenantHints(fromMetadata).tenantId).to.equal(LOWER);
      const fromReference = fixtureEvent(shape, 'checkout.session.completed', 'checkout.session', { client_reference_id: ` ${UPPER} ` });
      expect(tenantHints(fromReference).tenantId).to.equal(LOWER);
      expect(tenantHints(invoiceWithSubscriptionMetadata(shape, { tenant_id: UPPER })).tenantId).to.equal(LOWER);
      const fromCustomer = fixtureEvent(shape, 'invoice.paid', 'invoice', { customer: { id: 'cus_x', object: 'customer', metadata: { tenant_id: UPPER } } });
      expect(tenantHints(fromCustomer).tenantId).to.equal(LOWER);
    });
  }

  it('resolves a linked UUID tenant in lower case too', () => {
    expect(resolveTenant({ tenantId: null, customerId: 'cus_1', invoiceId: null, ...NO_PAYMENT }, UPPER)).to.equal(LOWER);
  });
});

describe('tenantHints for invoice_payment', () => {
  it('names the invoice, whose tenant routes it (it has no customer or metadata)', () => {
    const hints = tenantHints(fixtureEvent('current', 'invoice_payment.paid', 'invoice_payment', { invoice: 'in_42' }));
    expect(hints).to.deep.equal({ tenantId: null, customerId: null, invoiceId: 'in_42', ...NO_PAYMENT });
    const expanded = tenantHints(fixtureEvent('current', 'invoice_payment.paid', 'invoice_payment', { invoice: { id: 'in_43', object: 'invoice' } }));
    expect(expanded.invoiceId).to.equal('in_43');
  });
});

describe('tenantHints for a payment: the charge and payment intent an earlier event of the tenant may have named', () => {
  for (const shape of FIXTURE_SHAPES) {
    it(`a dispute names no customer, only its charge and payment intent (${shape} shape)`, () => {
      const hints = tenantHints(fixtureEvent(shape, 'charge.dispute.created', 'dispute', { charge: 'ch_1', payment_intent: 'pi_1' }));
      expect(hints).to.deep.equal({ tenantId: null, customerId: null, invoiceId: null, chargeId: 'ch_1', paymentIntentId: 'pi_1' });
      const expanded = tenantHints(fixtureEvent(shape, 'charge.dispute.created', 'dispute', { charge: { id: 'ch_2', object: 'charge' }, payment_intent: null }));
      expect(expanded).to.deep.include({ chargeId: 'ch_2', paymentIntentId: null });
    });

    it(`a charge names itself and its payment intent, a payment intent itself and its latest charge (${shape} shape)`, () => {
      expect(tenantHints(fixtureEvent(shape, 'charge.refunded', 'charge', { id: 'ch_3', customer: null, payment_intent: 'pi_3' }))).to.deep.include({ chargeId: 'ch_3', paymentIntentId: 'pi_3' });
      expect(tenantHints(fixtureEvent(shape, 'payment_intent.succeeded', 'payment_intent', { id: 'pi_4', latest_charge: 'ch_4' }))).to.deep.include({ chargeId: 'ch_4', paymentIntentId: 'pi_4' });
    });
  }

  it('an invoice of the 2023-10-16 shape names its charge and payment intent, an invoice_payment its payment', () => {
    expect(tenantHints(fixtureEvent('2023-10', 'invoice.paid', 'invoice', { charge: 'ch_5', payment_intent: 'pi_5' }))).to.deep.include({ chargeId: 'ch_5', paymentIntentId: 'pi_5' });
    const payment = fixtureEvent('current', 'invoice_payment.paid', 'invoice_payment', { invoice: 'in_6', payment: { type: 'payment_intent', payment_intent: 'pi_6', charge: 'ch_6' } });
    expect(tenantHints(payment)).to.deep.include({ invoiceId: 'in_6', chargeId: 'ch_6', paymentIntentId: 'pi_6' });
  });

  it('looks links up customer first, then invoice, charge and payment intent', () => {
    expect(linkedObjectHints({ tenantId: null, customerId: 'cus_7', invoiceId: 'in_7', chargeId: 'ch_7', paymentIntentId: 'pi_7' })).to.deep.equal(['cus_7', 'in_7', 'ch_7', 'pi_7']);
    expect(linkedObjectHints({ tenantId: null, customerId: null, invoiceId: null, chargeId: 'ch_8', paymentIntentId: null })).to.deep.equal(['ch_8']);
  });
});
