import { expect } from 'chai';
import { parseDomainEvent, type DomainEvent, type DomainEventData, type DomainEventType } from '../../domain/events/catalogue.ts';

/**
 * Asserts the event's type and returns its data. Also asserts what the store relies on: the
 * data survives JSON and parses back through the catalogue unchanged.
 */
export function expectEvent<T extends DomainEventType>(event: DomainEvent, type: T): DomainEventData<T> {
  const detail = event.type === 'StripeEventRecorded' ? ` (${event.data.reason}: ${event.data.detail})` : '';
  expect(event.type, `event type${detail}`).to.equal(type);
  const stored = JSON.parse(JSON.stringify(event.data)) as unknown;
  expect(parseDomainEvent(event.type, stored)).to.deep.equal(event);
  return event.data as DomainEventData<T>;
}
