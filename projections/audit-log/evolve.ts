import { domainEventSchemas, isStripeDomainEvent, type DomainEventType } from '../../domain/events/catalogue.ts';
import { isRecord } from '../../domain/is-record.ts';
import { canonicalTenantId } from '../../domain/routing/tenant-hints.ts';
import type { ProjectedEvent } from '../projection.ts';
import { fromUnixSeconds } from '../time.ts';
import type { AuditRow } from './row.ts';
import { auditSummary } from './summary.ts';

/** Streams whose events make a tenant's trail: its billing, and what the process manager did for it. */
export const AUDITED_STREAM_PREFIXES = ['tenant-', 'provisioning-', 'dunning-'] as const;

/** Every type the catalogue knows, those added later included: the trail leaves nothing out. */
export const AUDITED_EVENT_TYPES: ReadonlySet<DomainEventType> = new Set(Object.keys(domainEventSchemas) as DomainEventType[]);

/** A summary quotes event fields (an error, a reason): one line, not a document. */
const SUMMARY_MAX = 500;

/** The audit row of an event: a function of the recorded event alone, so a replay writes the same row. */
export function auditRow({ event, recorded }: ProjectedEvent): AuditRow | null {
  const tenantId = tenantOfStream(recorded.streamName);
  if (tenantId === null) return null;
  const data: unknown = event.data;
  const stripeEventId = isStripeDomainEvent(event) ? event.data.stripe.eventId : (stringField(data, 'stripeEventId') ?? stringField(recorded.metadata, 'stripeEventId'));
  const summary = auditSummary(event).replace(/\s+/g, ' ');
  return {
    event_id: recorded.id,
    tenant_id: tenantId,
    stream: recorded.streamName,
    stream_revision: recorded.revision,
    type: recorded.type,
    summary: summary.length > SUMMARY_MAX ? `${summary.slice(0, SUMMARY_MAX - 1)}…` : summary,
    occurred_at: occurredAt(event, recorded.recordedAt),
    recorded_at: recorded.recordedAt,
    stripe_event_id: stripeEventId,
    // A Stripe event starts its own chain: whatever it causes names it as the correlation.
    correlation_id: stringField(recorded.metadata, 'correlationId') ?? (isStripeDomainEvent(event) ? stripeEventId : null),
    causation_id: stringField(recorded.metadata, 'causationId'),
  };
}

/** `tenant-<id>`, `provisioning-<id>`, `dunning-<id>`: the tenant is the name after the category. */
export function tenantOfStream(stream: string): string | null {
  const prefix = AUDITED_STREAM_PREFIXES.find((p) => stream.startsWith(p));
  const id = prefix ? stream.slice(prefix.length) : '';
  return id ? canonicalTenantId(id) : null;
}

/** Stripe's `created` for its events, `requestedAt` for intents, `at` for the process manager's; else when it was stored. */
function occurredAt(event: ProjectedEvent['event'], recordedAt: Date): Date {
  if (isStripeDomainEvent(event)) return fromUnixSeconds(event.data.stripe.created);
  const seconds = numberField(event.data, 'requestedAt') ?? numberField(event.data, 'at');
  return seconds === null ? recordedAt : fromUnixSeconds(seconds);
}

function stringField(value: unknown, key: string): string | null {
  const field = isRecord(value) ? value[key] : undefined;
  return typeof field === 'string' && field !== '' ? field : null;
}

function numberField(value: unknown, key: string): number | null {
  const field = isRecord(value) ? value[key] : undefined;
  return typeof field === 'number' ? field : null;
}
