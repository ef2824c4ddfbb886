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

  it('keeps a "__proto__" key as a key, as JSON.parse made it', () => {
    const scrubbed = scrubCardData(JSON.parse('{"metadata":{"__proto__":{"note":"kept"}}}'));
    expect(Object.getOwnPropertyDescriptor(scrubbed.metadata, '__proto__')?.value).to.deep.equal({ note: 'kept' });
    expect(JSON.stringify(scrubbed)).to.equal('{"metadata":{"__proto__":{"note":"kept"}}}');
  });

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

  /** A legacy card object, as Stripe sends it in a charge's `source` or a customer's `sources`. */
  const legacyCard = () => ({
    id: 'card_1MvoiELkdIwHu7ixOeFGbN9D',
    object: 'card',
    address_city: 'Berlin',
    address_country: 'DE',
    address_line1: 'Unter den Linden 1',
    address_line1_check: 'pass',
    address_line2: null,
    address_state: null,
    address_zip: '10117',
    address_zip_check: 'pass',
    brand: 'Visa',
    country: 'US',
    customer: 'cus_NhD8HD2bY8dP3V',
    cvc_check: 'pass',
    dynamic_last4: null,
    exp_month: 4,
    exp_year: 2030,
    fingerprint: 'Xt5EWLLDS7FJjR1c',
    funding: 'credit',
    last4: '4242',
    metadata: {},
    name: 'Jenny Rosen',
    tokenization_method: null,
    wallet: null,
  });
  const SOURCE_CARD = { id: 'card_1MvoiELkdIwHu7ixOeFGbN9D', object: 'card', brand: 'Visa', country: 'US', exp_month: 4, exp_year: 2030, funding: 'credit', last4: '4242' };

  it("cuts a legacy charge's source card and its card_present details down", () => {
    const charge = {
      ...stripeObject('2023-10', 'charge'),
      source: legacyCard(),
      payment_method_details: {
        type: 'card_present',
        card_present: {
          amount_authorized: 1000,
          brand: 'interac',
          cardholder_name: 'JENNY ROSEN',
          country: 'CA',
          emv_auth_data: '8A023030',
          exp_month: 12,
          exp_year: 2031,
          fingerprint: 'abc',
          funding: 'debit',
          generated_card: 'card_1Nxyz',
          last4: '0005',
          network: 'interac',
          read_method: 'contact_emv',
          receipt: { application_cryptogram: 'CFB0', cardholder_verification_method: 'offline_pin', account_type: 'checking' },
        },
      },
    };
    const scrubbed = scrubCardData(charge);
    expect(scrubbed.source).to.deep.equal(SOURCE_CARD);
    expect(scrubbed.payment_method_details).to.deep.equal({
      type: 'card_present',
      card_present: { brand: 'interac', country: 'CA', exp_month: 12, exp_year: 2031, funding: 'debit', last4: '0005' },
    });
    expect(scrubbed.amount).to.equal(100);
    expect(JSON.stringify(scrubbed)).not.to.match(/Jenny|JENNY|Linden|cvc_check|emv_auth_data|fingerprint|cardholder/i);
  });

  it("cuts interac_present details and a customer's source cards down, leaving other sources", () => {
    const scrubbed = scrubCardData({
      object: 'customer',
      default_source: legacyCard(),
      sources: { object: 'list', data: [legacyCard(), { object: 'bank_account', id: 'ba_1', last4: '6789', account_holder_name: 'Jenny Rosen' }] },
      interac_present: { brand: 'interac', last4: '0005', cardholder_name: 'JENNY', emv_auth_data: 'x', receipt: {} },
    });
    expect(scrubbed).to.deep.equal({
      object: 'customer',
      default_source: SOURCE_CARD,
      sources: { object: 'list', data: [SOURCE_CARD, { object: 'bank_account', id: 'ba_1', last4: '6789', account_holder_name: 'Jenny Rosen' }] },
      interac_present: { brand: 'interac', last4: '0005' },
    });
  });

  it('cuts a source card down when it is the object itself, or sits under a card key', () => {
    expect(scrubCardData(legacyCard())).to.deep.equal(SOURCE_CARD);
    expect(scrubCardData({ object: 'token', card: legacyCard() })).to.deep.equal({ object: 'token', card: SOURCE_CARD });
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
