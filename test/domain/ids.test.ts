import { expect } from 'chai';
import { eventIdForStripeEvent, STRIPE_EVENT_NAMESPACE, uuidV5 } from '../../domain/ids.ts';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

describe('uuidV5', () => {
  // Expected values from Python's uuid.uuid5, an independent implementation.
  it('matches the RFC 4122 reference results', () => {
    expect(uuidV5('python.org', DNS_NAMESPACE)).to.equal('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    expect(uuidV5('https://example.com/é', URL_NAMESPACE)).to.equal('20ecd233-a9e7-5067-a96f-fd6600ca3fda');
  });

  it('accepts an upper-case namespace', () => {
    expect(uuidV5('python.org', DNS_NAMESPACE.toUpperCase())).to.equal('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('rejects a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).to.throw(/not a UUID/);
  });
});

describe('eventIdForStripeEvent', () => {
  it('is a version 5 UUID', () => {
    expect(eventIdForStripeEvent('evt_1')).to.match(UUID_V5);
  });

  it('gives a redelivered event the same id and different events different ids', () => {
    expect(eventIdForStripeEvent('evt_1NzmaxGgdF1VjufLI8IVs0RD')).to.equal(eventIdForStripeEvent('evt_1NzmaxGgdF1VjufLI8IVs0RD'));
    expect(eventIdForStripeEvent('evt_1')).not.to.equal(eventIdForStripeEvent('evt_2'));
  });

  // Stored events carry these ids: a changed namespace would let redeliveries in as new events.
  it('keeps its namespace for ever', () => {
    expect(STRIPE_EVENT_NAMESPACE).to.equal('7bb52db5-d8c9-4d5f-878d-1d46fd3717f0');
    expect(eventIdForStripeEvent('evt_1NzmaxGgdF1VjufLI8IVs0RD')).to.equal('e4dc4e15-7dac-5256-8220-cc938ce4a746');
  });
});
