import { createOutboxMailer, listOutbox } from '../../../../adapters/email/outbox-mailer.ts';
import { dunningStream } from '../../../../domain/dunning/planned-event.ts';
import { parseDomainEvent } from '../../../../domain/events/catalogue.ts';
import type { Mailer } from '../../../../domain/ports/provisioning.ts';
import { tenantStream } from '../../../../domain/routing/streams.ts';
import { createDunningProcess } from '../../../../src/workers/process-manager/dunning/dunning-process.ts';
import type { ProcessContext, ProcessDefinition, ProcessPorts } from '../../../../src/workers/process-manager/process.ts';
import { invoiceEvent } from '../../../support/invoice-events.ts';
import { capturingLogger } from '../../../support/log-capture.ts';
import { fixtureEvent } from '../../../support/stripe-fixtures.ts';
import { createTestClock, type TestClock } from '../../../support/test-clock.ts';
import { startTestLedger, type TestLedger } from '../../../support/test-ledger.ts';

export const DAY_MS = 86_400_000;
/** The process clock's start, and the `created` of the first Stripe events. */
export const START = new Date('2026-11-01T09:00:00Z');
export const T = START.getTime() / 1000;
export const EMAIL = 'billing@acme.example';

/** Ports dunning never calls: a call is a bug in the test or the process. */
const unused = (name: string) =>
  new Proxy({}, {
    get: (_target, key) => (key === 'then' ? undefined : () => Promise.reject(new Error(`dunning called the ${name} port`))),
  });

/** A ledger with one tenant, the dunning process, the test clock and the real outbox. */
export interface Harness {
  readonly t: TestLedger;
  readonly tenantId: string;
  readonly clock: TestClock;
  readonly context: ProcessContext;
  readonly logs: Record<string, unknown>[];
  process: ProcessDefinition;
  /** A new process instance on the same store, as after a restart. */
  restart(): Promise<void>;
  /** Delivers signed webhooks, then hands the process every tenant event it has not seen (as the runner would). */
  deliver(...bodies: unknown[]): Promise<void>;
  /** Hands the process every tenant event it has not seen yet. */
  feed(): Promise<void>;
  advanceDays(days: number): void;
  runDue(): Promise<Date | null>;
  outbox(): Promise<{ to: string; subject: string; text: string }[]>;
  dunningTypes(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startHarness(o: { mailer?: (outbox: Mailer) => Mailer } = {}): Promise<Harness> {
  const t = await startTestLedger();
  const tenantId = (await t.ledger.tenants.create('Acme')).tenant.id;
  const clock = createTestClock(START);
  const { logger, lines } = capturingLogger();
  const outbox = createOutboxMailer(t.ledger.database.db);
  const ports = { vps: unused('vps'), dns: unused('dns'), secrets: unused('secrets'), alerts: unused('alerts'), mailer: o.mailer ? o.mailer(outbox) : outbox } as ProcessPorts;
  const context: ProcessContext = { store: t.ledger.store, db: t.ledger.database.db, clock, logger, ports };
  const make = () => createDunningProcess({ fallbackPaymentUrl: 'https://app.example/billing' });
  let fed = 0n;
  const harness: Harness = {
    t,
    tenantId,
    clock,
    context,
    logs: lines,
    process: make(),
    async restart() {
      harness.process = make();
      // A new instance finds the timers by reading the dunning streams through the global log, which
      // shows an event once no older transaction is open on the server: wait for that, as the
      // runner's next look would.
      await t.project();
    },
    async feed() {
      const events = await t.ledger.store.readStream(tenantStream(tenantId), { from: fed });
      for (const recorded of events) {
        fed = recorded.revision + 1n;
        if (!harness.process.eventTypes.has(recorded.type as never)) continue;
        await harness.process.onEvent({ event: parseDomainEvent(recorded.type, recorded.data), recorded }, context);
      }
    },
    async deliver(...bodies) {
      for (const body of bodies) {
        const response = await t.deliver(body);
        if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${JSON.stringify(response.json)}`);
      }
      await harness.feed();
    },
    advanceDays(days) {
      clock.advance(days * DAY_MS);
    },
    runDue: () => harness.process.runDue(context),
    async outbox() {
      return (await listOutbox(t.ledger.database.db)).map(({ to, subject, text }) => ({ to, subject, text }));
    },
    async dunningTypes() {
      return (await t.ledger.store.readStream(dunningStream(tenantId))).map((e) => e.type);
    },
    close: () => t.close(),
  };
  return harness;
}

/** Stripe events for the tenant (2023-10-16 shape), `created` in seconds after T. */
export const webhooks = {
  customer: (tenantId: string, email = EMAIL) =>
    fixtureEvent('2023-10', 'customer.updated', 'customer', { id: `cus_${tenantId.slice(0, 8)}`, email, metadata: { tenant_id: tenantId } }, { id: `evt_customer_${email}`, created: T - 60 }),
  failed: (tenantId: string, invoice: string, o: { evt?: string; after?: number } = {}) =>
    invoiceEvent('2023-10', 'invoice.payment_failed', {
      evt: o.evt ?? `evt_failed_${invoice}`,
      invoice,
      tenant: tenantId,
      status: 'open',
      amountDue: 14_900,
      amountPaid: 0,
      currency: 'usd',
      created: T + (o.after ?? 0),
      invoiceCreated: T - 3600,
      number: `ACME-${invoice}`,
    }),
  paid: (tenantId: string, invoice: string, o: { after?: number } = {}) =>
    invoiceEvent('2023-10', 'invoice.paid', {
      evt: `evt_paid_${invoice}`,
      invoice,
      tenant: tenantId,
      status: 'paid',
      amountDue: 14_900,
      amountPaid: 14_900,
      currency: 'usd',
      created: T + (o.after ?? 0),
      invoiceCreated: T - 3600,
      paidAt: T + (o.after ?? 0),
    }),
  subscription: (tenantId: string, type: 'created' | 'updated' | 'deleted', o: { sub?: string; status: string; periodEnd: number; after?: number }) =>
    fixtureEvent(
      '2023-10',
      `customer.subscription.${type}`,
      'subscription',
      {
        id: o.sub ?? 'sub_1',
        status: o.status,
        metadata: { tenant_id: tenantId },
        current_period_start: o.periodEnd - 30 * 86_400,
        current_period_end: o.periodEnd,
        cancel_at_period_end: false,
        canceled_at: type === 'deleted' ? T + (o.after ?? 0) : null,
        ended_at: type === 'deleted' ? T + (o.after ?? 0) : null,
        created: T - 86_400,
        trial_end: null,
        pending_update: null,
      },
      { id: `evt_sub_${type}_${o.sub ?? 'sub_1'}_${o.status}_${o.after ?? 0}`, created: T + (o.after ?? 0) },
    ),
};
