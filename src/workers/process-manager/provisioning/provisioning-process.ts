import type { DomainEvent, DomainEventType } from '../../../../domain/events/catalogue.ts';
import { START, WrongExpectedRevisionError, type GlobalPosition } from '../../../../domain/ports/event-store.ts';
import { startsProvisioning } from '../../../../domain/provisioning/start-trigger.ts';
import type { RetryPolicy } from '../../../../domain/provisioning/step-failure.ts';
import { TENANT_STREAM_PREFIX } from '../../../../domain/routing/streams.ts';
import type { ProcessContext, ProcessDefinition } from '../process.ts';
import { driveProvisioning, type Drive } from './drive-provisioning.ts';
import { PROVISIONING_STREAM_PREFIX, provisioningStartedId, provisioningStream } from './provisioning-stream.ts';
import type { SshKeyPair } from './provisioning-steps.ts';

export interface ProvisioningOptions {
  /** How long to wait for the provider to assign the server's public IP before the try fails. */
  readonly ipWaitMs: number;
  readonly retry: RetryPolicy;
  /** Servers are named `<tenantId>.<domain>`. */
  readonly domain: string;
  readonly generateKeyPair: (comment: string) => Promise<SshKeyPair> | SshKeyPair;
  /**
   * How long a started step is left to the instance that claimed it before another takes it
   * over as crashed (default 60 s; every provider call is bounded well below it).
   */
  readonly claimMs?: number;
  /** [0, 1): the jitter of retry waits (Math.random unless a test fixes it). */
  readonly random?: () => number;
}

const TRIGGERS: ReadonlySet<DomainEventType> = new Set(['CheckoutSessionCompleted', 'SubscriptionCreated', 'SubscriptionUpdated']);
/** A tenant whose drive failed for a reason outside its steps (the store away) is looked at again after this. */
const DRIVE_ERROR_PAUSE_MS = 5_000;
const INDEX_PAGE = 1_000;

/**
 * Provisioning: started once per tenant by its first paid checkout or activated subscription,
 * then driven step by step (see drive-provisioning.ts). Which tenants have provisioning under
 * way is read from the `provisioning-` streams themselves, so it is rebuilt after a restart and
 * sees a retry an operator appended from another process.
 */
export function createProvisioningProcess(options: ProvisioningOptions): ProcessDefinition {
  const drive: Drive = { options, ipWaits: new Map() };
  /** Tenants under way → when next due (ms; null: waits for an operator). */
  const open = new Map<string, number | null>();
  let indexedAfter: GlobalPosition = START;

  const refreshIndex = async (context: ProcessContext) => {
    for (;;) {
      const events = await context.store.readAll({ after: indexedAfter, streamPrefixes: [PROVISIONING_STREAM_PREFIX], limit: INDEX_PAGE });
      for (const event of events) {
        const tenantId = event.streamName.slice(PROVISIONING_STREAM_PREFIX.length);
        if (event.type === 'ProvisioningReady') open.delete(tenantId);
        else open.set(tenantId, 0);
      }
      if (events.length < INDEX_PAGE) return;
      indexedAfter = events.at(-1)!.position;
    }
  };

  return {
    name: 'provisioning',
    eventTypes: TRIGGERS,
    async onEvent({ event, recorded }, context) {
      if (!startsProvisioning(event) || !recorded.streamName.startsWith(TENANT_STREAM_PREFIX)) return;
      const tenantId = recorded.streamName.slice(TENANT_STREAM_PREFIX.length);
      const started = await start(tenantId, event, recorded.id, context);
      if (started) open.set(tenantId, 0);
    },
    async runDue(context) {
      await refreshIndex(context);
      for (const [tenantId, due] of open) {
        const now = context.clock.now().getTime();
        if (due === null || due > now) continue;
        try {
          const next = await driveProvisioning(drive, tenantId, context);
          if (next === 'finished') open.delete(tenantId);
          else open.set(tenantId, next);
        } catch (error) {
          context.logger.error({ err: error, tenantId }, 'provisioning could not be driven; trying again shortly');
          open.set(tenantId, now + DRIVE_ERROR_PAUSE_MS);
        }
      }
      const dues = [...open.values()].filter((due): due is number => due !== null);
      return dues.length ? new Date(Math.min(...dues)) : null;
    },
  };

  async function start(tenantId: string, event: DomainEvent, causationId: string, context: ProcessContext): Promise<boolean> {
    const id = provisioningStartedId(tenantId);
    const stripe = 'stripe' in event.data ? event.data.stripe : null;
    try {
      const result = await context.store.append(
        provisioningStream(tenantId),
        [
          {
            id,
            type: 'ProvisioningStarted',
            data: {
              tenantId,
              at: Math.floor(context.clock.now().getTime() / 1000),
              trigger: stripe?.type ?? event.type,
              stripeEventId: stripe?.eventId ?? null,
              hostname: `${tenantId}.${options.domain}`,
            },
            metadata: { correlationId: id, causationId },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
      if (result.appended.length === 0) return false;
    } catch (error) {
      // Started before: by an earlier trigger, or by this one before a crash.
      if (error instanceof WrongExpectedRevisionError) return false;
      throw error;
    }
    context.logger.info({ tenantId, trigger: event.type }, 'provisioning started');
    return true;
  }
}
