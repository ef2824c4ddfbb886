import { sql, type Kysely } from 'kysely';
import type { ParkedEventRow, StripeObjectLinkRow } from './rows.ts';

/** A parked row as a table of any version holds it: version 1 had no charge or payment intent. */
type StoredParkedEvent = Omit<ParkedEventRow, 'stripe_charge_id' | 'stripe_payment_intent_id'> &
  Partial<Pick<ParkedEventRow, 'stripe_charge_id' | 'stripe_payment_intent_id'>>;

type RoutingTables = {
  stripe_object_links: StripeObjectLinkRow;
  parked_events: StoredParkedEvent;
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
  readonly stripeInvoiceId: string | null;
  /** What a dispute waits for: an event of its tenant naming its charge or payment intent. */
  readonly stripeChargeId: string | null;
  readonly stripePaymentIntentId: string | null;
  readonly hintedTenantId: string | null;
  readonly stripeCreated: Date;
}

/** Reads of the routing projection's tables, for ingest and the re-router. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export function createRoutingRepository(anyDb: Kysely<{}>) {
  const db = anyDb.withTables<RoutingTables>();
  return {
    /** The tenant a Stripe customer, invoice, charge or payment intent was routed to before, if any. */
    async tenantForStripeObject(stripeObjectId: string): Promise<string | null> {
      const row = await db
        .selectFrom('stripe_object_links')
        .select('tenant_id')
        .where('stripe_object_id', '=', stripeObjectId)
        .executeTakeFirst();
      return row?.tenant_id ?? null;
    },

    /**
     * Parked events whose tenant is known now: by a link of their customer, invoice, charge or
     * payment intent (in that order), or a tenant created since.
     */
    async reroutable(limit = 100): Promise<ReroutableEvent[]> {
      const rows = await db
        .selectFrom('parked_events as p')
        .leftJoin('stripe_object_links as l', 'l.stripe_object_id', 'p.stripe_customer_id')
        .leftJoin('stripe_object_links as li', 'li.stripe_object_id', 'p.stripe_invoice_id')
        // Read by name from the row: while an upgrade rebuilds the projection, the live table is
        // still version 1's, without these columns, and the re-router keeps working on it.
        .leftJoin('stripe_object_links as lc', (join) => join.on(sql<boolean>`lc.stripe_object_id = to_jsonb(p) ->> 'stripe_charge_id'`))
        .leftJoin('stripe_object_links as lp', (join) => join.on(sql<boolean>`lp.stripe_object_id = to_jsonb(p) ->> 'stripe_payment_intent_id'`))
        .leftJoin('tenants as t', (join) => join.on(sql<boolean>`t.id::text = p.hinted_tenant_id`))
        .select([
          'p.event_id',
          'p.stream_revision',
          'p.stripe_event_id',
          'l.tenant_id as linked',
          'li.tenant_id as linkedByInvoice',
          'lc.tenant_id as linkedByCharge',
          'lp.tenant_id as linkedByPaymentIntent',
          't.id as hinted',
        ])
        .where('p.rerouted_to', 'is', null)
        .where((eb) =>
          eb.or([
            eb('l.tenant_id', 'is not', null),
            eb('li.tenant_id', 'is not', null),
            eb('lc.tenant_id', 'is not', null),
            eb('lp.tenant_id', 'is not', null),
            eb('t.id', 'is not', null),
          ]),
        )
        .orderBy('p.stream_revision')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        eventId: r.event_id,
        streamRevision: r.stream_revision,
        stripeEventId: r.stripe_event_id,
        tenantId: (r.hinted ?? r.linked ?? r.linkedByInvoice ?? r.linkedByCharge ?? r.linkedByPaymentIntent) as string,
      }));
    },

    async parked(): Promise<ParkedEvent[]> {
      const rows = await db.selectFrom('parked_events').selectAll().where('rerouted_to', 'is', null).orderBy('stream_revision').execute();
      return rows.map((r) => ({
        eventId: r.event_id,
        stripeEventId: r.stripe_event_id,
        stripeType: r.stripe_type,
        stripeCustomerId: r.stripe_customer_id,
        stripeInvoiceId: r.stripe_invoice_id,
        stripeChargeId: r.stripe_charge_id ?? null,
        stripePaymentIntentId: r.stripe_payment_intent_id ?? null,
        hintedTenantId: r.hinted_tenant_id,
        stripeCreated: r.stripe_created,
      }));
    },
  };
}

export type RoutingRepository = ReturnType<typeof createRoutingRepository>;
