import { sql, type Kysely } from 'kysely';
import type { ParkedEventRow, StripeObjectLinkRow } from './rows.ts';

type RoutingTables = {
  stripe_object_links: StripeObjectLinkRow;
  parked_events: ParkedEventRow;
  tenants: { id: string };
};

export interface ReroutableEvent {
  readonly eventId: string;
  readonly streamRevision: bigint;
  readonly stripeEventId: string;
  readonly tenantId: string;
}

export interface ParkedEvent {
  readonly eventId: string;
  readonly stripeEventId: string;
  readonly stripeType: string;
  readonly stripeCustomerId: string | null;
  readonly hintedTenantId: string | null;
  readonly stripeCreated: Date;
}

/** Reads of the routing projection's tables, for ingest and the re-router. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export function createRoutingRepository(anyDb: Kysely<{}>) {
  const db = anyDb.withTables<RoutingTables>();
  return {
    /** The tenant a Stripe customer or invoice was routed to before, if any. */
    async tenantForStripeObject(stripeObjectId: string): Promise<string | null> {
      const row = await db
        .selectFrom('stripe_object_links')
        .select('tenant_id')
        .where('stripe_object_id', '=', stripeObjectId)
        .executeTakeFirst();
      return row?.tenant_id ?? null;
    },

    /** Parked events whose tenant is known now: by a customer or invoice link, or a tenant created since. */
    async reroutable(limit = 100): Promise<ReroutableEvent[]> {
      const rows = await db
        .selectFrom('parked_events as p')
        .leftJoin('stripe_object_links as l', 'l.stripe_object_id', 'p.stripe_customer_id')
        .leftJoin('stripe_object_links as li', 'li.stripe_object_id', 'p.stripe_invoice_id')
        .leftJoin('tenants as t', (join) => join.on(sql<boolean>`t.id::text = p.hinted_tenant_id`))
        .select(['p.event_id', 'p.stream_revision', 'p.stripe_event_id', 'l.tenant_id as linked', 'li.tenant_id as linkedByInvoice', 't.id as hinted'])
        .where('p.rerouted_to', 'is', null)
        .where((eb) => eb.or([eb('l.tenant_id', 'is not', null), eb('li.tenant_id', 'is not', null), eb('t.id', 'is not', null)]))
        .orderBy('p.stream_revision')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        eventId: r.event_id,
        streamRevision: r.stream_revision,
        stripeEventId: r.stripe_event_id,
        tenantId: (r.hinted ?? r.linked ?? r.linkedByInvoice) as string,
      }));
    },

    async parked(): Promise<ParkedEvent[]> {
      const rows = await db.selectFrom('parked_events').selectAll().where('rerouted_to', 'is', null).orderBy('stream_revision').execute();
      return rows.map((r) => ({
        eventId: r.event_id,
        stripeEventId: r.stripe_event_id,
        stripeType: r.stripe_type,
        stripeCustomerId: r.stripe_customer_id,
        hintedTenantId: r.hinted_tenant_id,
        stripeCreated: r.stripe_created,
      }));
    },
  };
}

export type RoutingRepository = ReturnType<typeof createRoutingRepository>;
