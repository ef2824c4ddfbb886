import { expect } from 'chai';
import { scrubCardData } from '../../../domain/stripe/scrub-card-data.ts';
import { FIXTURE_SHAPES, stripeObject } from '../../support/stripe-fixtures.ts';

const KEPT = ['brand', 'country', 'exp_month', 'exp_year', 'funding', 'last4'];

describe('scrubCardData', () => {
  for (const shape of FIXTURE_SHAPES) {
    it(`cuts the payment method card down to the displayable fields (${shape} shape)`, () => {
      const scrubbed = scrubCardData(stripeObject(shape, 'payment_method'));
      expect(Object.keys(scrubbed.card as object).sort()).to.deep.equal(KEPT);
      expect(scrubbed.billing_details).to.deep.equal(stripeObject(shape, 'payment_method').billing_details);
    });

    it(`cuts the charge's payment_method_details.card down (${shape} shape)`, () => {
      const scrubbed = scrubCardData(stripeObject(shape, 'charge'));
      const details = scrubbed.payment_method_details as { card: object; type: string };
      expect(Object.keys(details.card).sort()).to.deep.equal(KEPT);
      expect(details.type).to.equal('card');
      expect(scrubbed.amount).to.equal(100);
    });
  }

  it('removes fingerprints at any depth, in arrays too', () => {
    const scrubbed = scrubCardData({
      fingerprint: 'top',
      sources: { data: [{ object: 'bank_account', fingerprint: 'deep', last4: '6789' }] },
      nested: { card: { brand: 'visa', fingerprint: 'in-card', checks: { cvc_check: 'pass' } } },
    });
    expect(scrubbed).to.deep.equal({
      sources: { data: [{ object: 'bank_account', last4: '6789' }] },
      nested: { card: { brand: 'visa' } },
    });
  });

  it('leaves a card that is only an id alone', () => {
    expect(scrubCardData({ card: 'card_123', amount: 5 })).to.deep.equal({ card: 'card_123', amount: 5 });
  });

  it('does not change its input', () => {
    const original = stripeObject('current', 'charge');
    const copy = structuredClone(original);
    const scrubbed = scrubCardData(original);
    expect(original).to.deep.equal(copy);
    expect(scrubbed).not.to.equal(original);
  });
});
