import type { DomainEventOf } from '../events/catalogue.ts';
import { uuidV5 } from '../ids.ts';

export const DUNNING_STREAM_PREFIX = 'dunning-';
export const dunningStream = (tenantId: string) => `${DUNNING_STREAM_PREFIX}${tenantId}`;

/** Namespace of the dunning process's event ids. Fixed for ever: the ids are how a repeated step is recognised. */
const DUNNING_EVENT_NAMESPACE = 'c5d3a0f4-5f0e-4b8e-9a57-2f4c1e0b7d61';

/**
 * A step's event id is named after what it is (`<tenant>/started/<invoice>`, ...), so the same
 * step decided twice (after a crash, by a second instance) has the same id and the store keeps it
 * once. Ids are unique per stream category, and every tenant's dunning stream is one category,
 * hence the tenant in the name.
 */
export const dunningEventId = (tenantId: string, name: string) => uuidV5(`${tenantId}/${name}`, DUNNING_EVENT_NAMESPACE);

export type DunningProcessEventType =
  | 'DunningStarted'
  | 'DunningNoticeSending'
  | 'DunningNoticeSent'
  | 'DunningResolved'
  | 'AccessSuspended'
  | 'AccessRestored'
  | 'AccessRevocationScheduled'
  | 'AccessRevocationCancelled'
  | 'AccessRevoked'
  | 'ActivationConfirmationRequested'
  | 'ActivationConfirmationSending'
  | 'ActivationConfirmed';

/** An event the process decided to record, with its id and the ids the audit trail follows. */
export type PlannedEvent = DomainEventOf<DunningProcessEventType> & {
  readonly id: string;
  readonly correlationId: string;
  readonly causationId: string;
};

export function planned<T extends DunningProcessEventType>(
  type: T,
  data: DomainEventOf<T>['data'],
  ids: { readonly id: string; readonly correlationId?: string; readonly causationId: string },
): PlannedEvent {
  return { type, data, id: ids.id, correlationId: ids.correlationId ?? ids.id, causationId: ids.causationId } as PlannedEvent;
}
