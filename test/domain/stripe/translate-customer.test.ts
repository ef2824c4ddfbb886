import { expect } from 'chai';
import { translateStripeEvent } from '../../../domain/stripe/translate.ts';
import { expectEvent } from '../expect-event.ts';
import { FIXTURE_SHAPES, fixtureEvent, stripeEvent } from '../../support/stripe-fixtures.ts';

const CUSTOMER = {
  id: 'cus_123',
  email: 'billing@acme.example',
  name: 'Acme Ltd',
  metadata: { tenant_id: 'tenant_42' },
};

for (const shape of FIXTURE_SHAPES) {
  describe(`translateStripeEvent: customer events (${shape} shape)`, () => {
    it('customer.updated becomes CustomerUpdated, the customer being its own customerId', () => {
      const data = expectEvent(
        translateStripeEvent(fixtureEvent(shape, 'customer.updated', 'customer', CUSTOMER), 'tenant_42'),
        'CustomerUpdated',
      );
      expect(data.customer).to.deep.equal({ ...CUSTOMER, deleted: false });
      expect(data.customerId).to.equal('cus_123');
      expect(data.tenantId).to.equal('tenant_42');
    });

    it('customer.deleted becomes CustomerDeleted, deleted even when the object does not say so', () => {
      const data = expectEvent(
        translateStripeEvent(fixtureEvent(shape, 'customer.deleted', 'customer', CUSTOMER), 'tenant_42'),
        'CustomerDeleted',
      );
      expect(data.customer).to.deep.equal({ ...CUSTOMER, deleted: true });
      expect(data.customerId).to.equal('cus_123');
    });

    it('reads the unchanged fixture with its null email and name', () => {
      const data = expectEvent(translateStripeEvent(fixtureEvent(shape, 'customer.updated', 'customer'), null), 'CustomerUpdated');
      expect(data.customer).to.include({ email: null, name: null, deleted: false });
      expect(data.customer.id).to.match(/^cus_/);
    });
  });
}

describe('translateStripeEvent: customer.deleted with a deleted-customer stub', () => {
  it('reads the stub, which has no email, name or metadata', () => {
    const stub = { id: 'cus_gone', object: 'customer', deleted: true };
    const data = expectEvent(translateStripeEvent(stripeEvent('customer.deleted', stub), null), 'CustomerDeleted');
    expect(data.customer).to.deep.equal({ id: 'cus_gone', email: null, name: null, deleted: true, metadata: {} });
    expect(data.customerId).to.equal('cus_gone');
  });
});
