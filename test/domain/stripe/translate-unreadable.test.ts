import { expect } from 'chai';
import { stripeEventEnvelopeSchema } from '../../../domain/stripe/envelope.ts';
import { translateUnreadableStripeEvent } from '../../../domain/stripe/translate.ts';
import { expectEvent } from '../expect-event.ts';
import { stripeObject } from '../../support/stripe-fixtures.ts';

/** A Stripe v2 "thin" event, as Stripe documents it: no data.object, an ISO timestamp. */
const thinEvent = () => ({
  id: 'evt_test_65R9Ijk8pXQMDrKW1rm16RlmWzQJSQ0cbuMgGgK9sEq5jLjTHHvWSP9pJBjcDOEeq5Cx',
  object: 'v2.core.event',
  type: 'v1.billing.meter.error_report_triggered',
  livemode: false,
  created: '2024-09-17T06:20:52.246Z',
  related_object: {
    id: 'mtr_test_61R9IjJN2D4SoH2Lh41LkgSgOK3fqKFE',
    type: 'billing.meter',
    url: '/v1/billing/meters/mtr_test_61R9IjJN2D4SoH2Lh41LkgSgOK3fqKFE',
  },
});

describe('translateUnreadableStripeEvent', () => {
  it('records a v2 thin event, which is no v1 envelope, as invalid_envelope with its whole body', () => {
    const body = thinEvent();
    const envelope = stripeEventEnvelopeSchema.safeParse(body);
    expect(envelope.success).to.equal(false);

    const data = expectEvent(translateUnreadableStripeEvent(body, 'not a v1 event: object is "v2.core.event"'), 'StripeEventRecorded');

    expect(data).to.deep.equal({
      tenantId: null,
      customerId: null,
      stripe: {
        eventId: body.id,
        type: 'v1.billing.meter.error_report_triggered',
        created: Math.floor(Date.UTC(2024, 8, 17, 6, 20, 52) / 1000),
        apiVersion: null,
        livemode: false,
        object: body,
        previousAttributes: null,
      },
      reason: 'invalid_envelope',
      detail: 'not a v1 event: object is "v2.core.event"',
    });
    expect(data.stripe.created).to.equal(1726554052);
  });

  it('keeps the v1 fields it can read from a malformed v1 event', () => {
    const body = { ...stripeObject('2023-10', 'event'), id: 'evt_malformed', created: 1735027200, livemode: true, data: 'oops' };
    const data = expectEvent(translateUnreadableStripeEvent(body, 'data: expected object'), 'StripeEventRecorded');
    expect(data.stripe).to.include({ eventId: 'evt_malformed', type: 'setup_intent.created', created: 1735027200, apiVersion: '2020-08-27', livemode: true });
    expect(data.stripe.object).to.deep.equal(body);
  });

  const fallbacks: [string, Record<string, unknown>][] = [
    ['no type, created, api_version or livemode', {}],
    ['fields of the wrong types', { type: 42, created: true, api_version: 7, livemode: 'true' }],
    ['a fractional created', { created: 1.5 }],
    ['a created that is not an ISO timestamp', { created: 'yesterday' }],
    ['an ISO-looking created that is not a date', { created: '2024-13-45T99:00:00Z' }],
  ];
  for (const [what, fields] of fallbacks) {
    it(`falls back to defaults for ${what}`, () => {
      const data = expectEvent(translateUnreadableStripeEvent({ id: 'evt_x', ...fields }, 'bad'), 'StripeEventRecorded');
      const expected = { eventId: 'evt_x', type: typeof fields.type === 'string' ? fields.type : 'unknown', created: 0, apiVersion: null, livemode: false };
      expect(data.stripe).to.include(expected);
      expect(data.stripe.previousAttributes).to.equal(null);
    });
  }

  it('scrubs card data from the body', () => {
    const body = {
      id: 'evt_card',
      object: 'event',
      data: { object: { object: 'charge', source: { id: 'card_1', object: 'card', brand: 'Visa', last4: '4242', name: 'Jenny Rosen', fingerprint: 'fp' } } },
    };
    const data = expectEvent(translateUnreadableStripeEvent(body, 'created: required'), 'StripeEventRecorded');
    expect(data.stripe.object).to.deep.equal({
      id: 'evt_card',
      object: 'event',
      data: { object: { object: 'charge', source: { id: 'card_1', object: 'card', brand: 'Visa', last4: '4242' } } },
    });
  });
});
