import { expect } from 'chai';
import { stripeEventEnvelopeSchema } from '../../../domain/stripe/envelope.ts';
import { stripeObject } from '../../support/stripe-fixtures.ts';

describe('stripeEventEnvelopeSchema', () => {
  const envelope = () => structuredClone(stripeObject('2023-10', 'event'));

  it("accepts Stripe's example event and keeps fields it does not name", () => {
    const parsed = stripeEventEnvelopeSchema.parse(envelope());
    expect(parsed.api_version).to.equal('2020-08-27');
    expect(parsed.pending_webhooks).to.equal(0);
    expect(parsed.request).to.deep.equal({ id: null, idempotency_key: null });
  });

  it('reads a missing api_version as null', () => {
    const { api_version: _ignored, ...withoutVersion } = envelope();
    expect(stripeEventEnvelopeSchema.parse(withoutVersion).api_version).to.equal(null);
    expect(stripeEventEnvelopeSchema.parse(stripeObject('current', 'event')).api_version).to.equal(null);
  });

  it('keeps data.previous_attributes, and accepts an event without it', () => {
    const base = envelope();
    const data = { ...(base.data as Record<string, unknown>), previous_attributes: { status: 'trialing' } };
    expect(stripeEventEnvelopeSchema.parse({ ...base, data }).data.previous_attributes).to.deep.equal({ status: 'trialing' });
    expect(stripeEventEnvelopeSchema.parse(envelope()).data.previous_attributes).to.equal(undefined);
  });

  const invalid: [string, Record<string, unknown>][] = [
    ['an id that is not an event id', { id: 'ch_123' }],
    ['another object', { object: 'charge' }],
    ['a fractional created', { created: 1.5 }],
    ['a livemode that is not a boolean', { livemode: 'false' }],
    ['data without an object', { data: {} }],
    ['a data object that is an array', { data: { object: [] } }],
    ['previous attributes that are not an object', { data: { object: {}, previous_attributes: 'status' } }],
  ];
  for (const [what, override] of invalid) {
    it(`rejects ${what}`, () => {
      expect(stripeEventEnvelopeSchema.safeParse({ ...envelope(), ...override }).success).to.equal(false);
    });
  }
});
