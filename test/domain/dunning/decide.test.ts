import { expect } from 'chai';
import { decideOnTenantEvent, invoiceRef, type TenantEventInput } from '../../../domain/dunning/decide.ts';
import { nextDueAt, pendingSteps } from '../../../domain/dunning/due.ts';
import type { PlannedEvent } from '../../../domain/dunning/planned-event.ts';
import { emailAddressIn } from '../../../domain/tenants/email-address.ts';
import { foldDunning, type DunningState } from '../../../domain/dunning/state.ts';
import type { DomainEvent } from '../../../domain/events/catalogue.ts';
import { invoiceFailed, invoicePaidEvent, subscription, TENANT, T_INVOICE } from './events.ts';

const NOW = 1_793_491_200;

/** Decides on `events` one after the other, as the process does, returning the log it builds. */
function run(events: readonly DomainEvent[], o: { paid?: TenantEventInput['paidInvoices']; now?: number } = {}): { log: PlannedEvent[]; state: DunningState } {
  const log: PlannedEvent[] = [];
  events.forEach((event, i) => {
    const state = foldDunning(log);
    log.push(...decideOnTenantEvent(state, { tenantId: TENANT, eventId: `e${i}`, event, now: o.now ?? NOW, paidInvoices: o.paid ?? [], fallbackPaymentUrl: 'https://app.example/billing' }));
  });
  return { log, state: foldDunning(log) };
}

const types = (log: readonly PlannedEvent[]) => log.map((e) => e.type);

describe('dunning decisions on tenant events (pure rules)', () => {
  it('starts once per invoice: a redelivery or a second failure of the same invoice does not restart the schedule', () => {
    const { log } = run([invoiceFailed('in_1'), invoiceFailed('in_1', { eventCreated: T_INVOICE + 86_400 })]);
    expect(types(log)).to.deep.equal(['DunningStarted']);
  });

  it('does not start for an invoice the tenant stream shows paid, whatever order Stripe delivered them in', () => {
    const paid = [invoiceRef(invoicePaidEvent('in_1').data.invoice)];
    expect(run([invoiceFailed('in_1')], { paid }).log).to.deep.equal([]);
  });

  it('an earlier invoice paid does not stop dunning of a newer one; a later invoice of the subscription does', () => {
    const older = [invoiceRef(invoicePaidEvent('in_0', { created: T_INVOICE - 30 * 86_400 }).data.invoice)];
    expect(types(run([invoiceFailed('in_1')], { paid: older }).log)).to.deep.equal(['DunningStarted']);
    const { log } = run([invoiceFailed('in_1'), invoicePaidEvent('in_0', { created: T_INVOICE - 30 * 86_400 }), invoicePaidEvent('in_2', { created: T_INVOICE + 30 * 86_400 })]);
    expect(types(log)).to.deep.equal(['DunningStarted', 'DunningResolved']);
    const resolved = log[1];
    expect(resolved?.type === 'DunningResolved' && resolved.data.paidInvoiceId).to.equal('in_2');
  });

  it('an invoice that failed while another was dunned gets its own run once that one is paid, unless it was paid too', () => {
    // As the process reads them: the tenant stream up to and including the event decided on.
    const decideAll = (events: readonly DomainEvent[]) => {
      const log: PlannedEvent[] = [];
      events.forEach((event, i) => {
        const seen = events.slice(0, i + 1);
        const paidInvoices = seen.flatMap((e) => (e.type === 'InvoicePaid' ? [invoiceRef(e.data.invoice)] : []));
        const failedInvoices = seen.flatMap((e) => (e.type === 'InvoicePaymentFailed' ? [e.data] : []));
        log.push(...decideOnTenantEvent(foldDunning(log), { tenantId: TENANT, eventId: `e${i}`, event, now: NOW + i, paidInvoices, failedInvoices, fallbackPaymentUrl: 'x' }));
      });
      return log;
    };
    const other = invoiceFailed('in_2', { subscriptionId: 'sub_2', created: T_INVOICE + 10 });
    const log = decideAll([invoiceFailed('in_1'), other, invoicePaidEvent('in_1')]);
    expect(log.map((e) => [e.type, (e.data as { invoiceId?: string }).invoiceId])).to.deep.equal([
      ['DunningStarted', 'in_1'],
      ['DunningResolved', 'in_1'],
      ['DunningStarted', 'in_2'],
    ]);
    const second = log[2];
    expect(second?.type === 'DunningStarted' && second.data.schedule[0]?.dueAt).to.equal(NOW + 2);
    const paidMeanwhile = decideAll([invoiceFailed('in_1'), other, invoicePaidEvent('in_2', { subscriptionId: 'sub_2', created: T_INVOICE + 10 }), invoicePaidEvent('in_1')]);
    expect(types(paidMeanwhile)).to.deep.equal(['DunningStarted', 'DunningResolved']);
  });

  it('a payment of another subscription settles nothing', () => {
    const { log } = run([invoiceFailed('in_1'), invoicePaidEvent('in_9', { subscriptionId: 'sub_other', created: T_INVOICE + 99 })]);
    expect(types(log)).to.deep.equal(['DunningStarted']);
  });

  it("uses the invoice's hosted page as the payment link, else the fallback", () => {
    const { state } = run([invoiceFailed('in_1', { hostedInvoiceUrl: null })]);
    expect(state.runs.get('in_1')?.paymentUrl).to.equal('https://app.example/billing');
  });

  it('a deleted subscription ends an open dunning and schedules revocation at the period end Stripe reports', () => {
    const periodEnd = NOW + 10 * 86_400;
    const { log, state } = run([invoiceFailed('in_1'), subscription('SubscriptionDeleted', 'sub_1', 'canceled', { periodEnd })]);
    expect(types(log)).to.deep.equal(['DunningStarted', 'DunningResolved', 'AccessRevocationScheduled']);
    expect(pendingSteps(state).map((s) => [s.kind, s.dueAt])).to.deep.equal([['revoke', periodEnd]]);
    expect(run([subscription('SubscriptionDeleted', 'sub_1', 'canceled', { periodEnd }), subscription('SubscriptionDeleted', 'sub_1', 'canceled', { periodEnd })]).log).to.have.length(1);
  });

  it('confirms an activation once per subscription; a trial counts; an incomplete one does not', () => {
    const { log } = run([
      subscription('SubscriptionCreated', 'sub_1', 'incomplete'),
      subscription('SubscriptionUpdated', 'sub_1', 'trialing'),
      subscription('SubscriptionUpdated', 'sub_1', 'active'),
    ]);
    expect(types(log)).to.deep.equal(['ActivationConfirmationRequested']);
  });

  it('an update delivered after the deletion does not revive the subscription', () => {
    const { log } = run([subscription('SubscriptionDeleted', 'sub_1', 'canceled'), subscription('SubscriptionUpdated', 'sub_1', 'active')]);
    expect(types(log)).to.deep.equal(['AccessRevocationScheduled']);
  });

  it("a newer subscription's activation cancels an older one's pending revocation", () => {
    const { log, state } = run([subscription('SubscriptionCreated', 'sub_1', 'active'), subscription('SubscriptionDeleted', 'sub_1', 'canceled'), subscription('SubscriptionCreated', 'sub_2', 'active')]);
    expect(types(log)).to.deep.equal(['ActivationConfirmationRequested', 'AccessRevocationScheduled', 'ActivationConfirmationRequested', 'AccessRevocationCancelled']);
    expect(pendingSteps(state).map((s) => s.kind)).to.deep.equal(['confirm-activation', 'confirm-activation']);
  });

  it('an activation learned of long after it happened gets no email', () => {
    const { state } = run([subscription('SubscriptionCreated', 'sub_1', 'active', { created: NOW - 30 * 86_400 })]);
    expect(nextDueAt(state)).to.equal(null);
  });

  it('every recorded event names its tenant, when, a correlation and a causation', () => {
    const { log } = run([invoiceFailed('in_1'), invoicePaidEvent('in_1')]);
    for (const event of log) {
      expect(event.data.tenantId).to.equal(TENANT);
      expect(event.data.at).to.equal(NOW);
      expect(event.correlationId).to.equal(log[0]?.id);
    }
    expect(log.map((e) => e.causationId)).to.deep.equal(['e0', 'e1']);
  });

  it("finds the tenant's email on its customer, an invoice, or a checkout session", () => {
    expect(emailAddressIn({ type: 'CustomerUpdated', data: { customer: { email: 'billing@acme.example' } } })).to.equal('billing@acme.example');
    expect(emailAddressIn({ type: 'InvoicePaid', data: { stripe: { object: { customer_email: 'ap@acme.example' } } } })).to.equal('ap@acme.example');
    expect(emailAddressIn({ type: 'CheckoutSessionCompleted', data: { stripe: { object: { customer_details: { email: 'c@acme.example' } } } } })).to.equal('c@acme.example');
    expect(emailAddressIn({ type: 'CustomerUpdated', data: { customer: { email: null } } })).to.equal(null);
  });
});
