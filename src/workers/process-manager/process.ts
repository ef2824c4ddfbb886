import type { AnyDb } from '../../../adapters/db/database.ts';
import type { DomainEventType } from '../../../domain/events/catalogue.ts';
import type { Clock } from '../../../domain/ports/clock.ts';
import type { EventStore } from '../../../domain/ports/event-store.ts';
import type { AlertSink, DnsProvider, Mailer, SecretStore, VpsProvider } from '../../../domain/ports/provisioning.ts';
import type { ProjectedEvent } from '../../../projections/projection.ts';
import type { Logger } from '../../logger.ts';

/** The outside services the processes drive. */
export interface ProcessPorts {
  readonly vps: VpsProvider;
  readonly dns: DnsProvider;
  readonly secrets: SecretStore;
  readonly mailer: Mailer;
  readonly alerts: AlertSink;
}

export interface ProcessContext {
  readonly store: EventStore;
  readonly db: AnyDb;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ports: ProcessPorts;
}

/**
 * One long-running process the process manager drives (provisioning, dunning, ...). Its state
 * is its own streams (`<name>-<tenantId>`), written with an exact expected revision, so two
 * instances that both believe they hold the lease cannot both record a step: the loser gets a
 * WrongExpectedRevisionError and stops.
 */
export interface ProcessDefinition {
  readonly name: string;
  /** Tenant-stream event types it reacts to; the runner hands it no others. */
  readonly eventTypes: ReadonlySet<DomainEventType>;
  /**
   * Reacts to one tenant event, in log order. May be called again for the same event after a
   * crash (the runner's checkpoint is written after), so it must be idempotent: decide from the
   * process stream, not from memory.
   */
  onEvent(event: ProjectedEvent, context: ProcessContext): Promise<void>;
  /**
   * Does what is due at `context.clock.now()` (durable timers, retries after backoff) and returns
   * when it next has something due, or null. Timers live in the process streams (and any index of
   * them is rebuilt from there), so they survive restarts; each fires once.
   */
  runDue(context: ProcessContext): Promise<Date | null>;
}
