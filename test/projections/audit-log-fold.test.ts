import { expect } from 'chai';
import type { DomainEvent } from '../../domain/events/catalogue.ts';
import { auditRow, tenantOfStream } from '../../projections/audit-log/evolve.ts';
import { auditSummary, typeInWords } from '../../projections/audit-log/summary.ts';
import { chargeRefunded, invoicePaid, recorded, subscriptionEvent, T0, TENANT } from '../support/domain-events.ts';
import { accessSuspended, provisioningReady, stepStarted } from '../support/process-events.ts';

const at = (seconds: number) => new Date(seconds * 1000);
const RECORDED_AT = at(T0); // what `recorded` stamps

const cancel: DomainEvent = {
  type: 'CancellationRequested',
  data: { tenantId: TENANT, customerId: 'cus_1', requestedAt: T0 + 42, subscriptionId: 'sub_1', reason: 'too expensive', cancelAt: T0 + 86_400 },
};

describe('audit log rows', () => {
  it('records a Stripe event with its Stripe id as the correlation, and when Stripe says it happened', () => {
    const event = invoicePaid({ id: 'in_1', amountPaid: 14_900, currency: 'USD' }, { created: T0 + 7 });
    const row = auditRow(recorded(event, { id: 'e1', stream: `tenant-${TENANT}`, revision: 3n, metadata: { stripeEventId: event.data.stripe.eventId } }));
    expect(row).to.deep.equal({
      event_id: 'e1',
      tenant_id: TENANT,
      stream: `tenant-${TENANT}`,
      stream_revision: 3n,
      type: 'InvoicePaid',
      summary: 'Invoice in_1 paid: 149.00 USD',
      occurred_at: at(T0 + 7),
      recorded_at: RECORDED_AT,
      stripe_event_id: event.data.stripe.eventId,
      correlation_id: event.data.stripe.eventId,
      causation_id: null,
    });
  });

  it('records an intent at the time it was requested, with no Stripe event', () => {
    const row = auditRow(recorded(cancel, { id: 'e2', stream: `tenant-${TENANT}`, metadata: { source: 'billing-api' } }));
    expect(row).to.include({ summary: `Cancellation of subscription sub_1 requested for ${at(T0 + 86_400).toISOString()}: "too expensive"`, stripe_event_id: null, correlation_id: null, causation_id: null });
    expect(row?.occurred_at).to.deep.equal(at(T0 + 42));
  });

  it("records a process step at the process clock's time, with the correlation and causation from its metadata", () => {
    const metadata = { correlationId: 'run-1', causationId: 'e1' };
    const row = auditRow(recorded(stepStarted(TENANT, T0 + 99, 'dns', 2), { id: 'e3', stream: `provisioning-${TENANT}`, revision: 4n, metadata }));
    expect(row).to.include({ tenant_id: TENANT, summary: 'Provisioning step dns started (attempt 2)', correlation_id: 'run-1', causation_id: 'e1', stripe_event_id: null });
    expect(row?.occurred_at).to.deep.equal(at(T0 + 99));
    expect(auditRow(recorded(accessSuspended(TENANT, T0, 'in_9', 'unpaid for 7 days'), { id: 'e4', stream: `dunning-${TENANT}` }))).to.include({
      summary: 'Access suspended (invoice in_9): unpaid for 7 days',
    });
  });

  it('takes the tenant from the stream name, in lower case for a UUID', () => {
    expect(tenantOfStream(`tenant-${TENANT.toUpperCase()}`)).to.equal(TENANT);
    expect(tenantOfStream(`dunning-${TENANT}`)).to.equal(TENANT);
    expect(tenantOfStream('unrouted')).to.equal(null);
    expect(tenantOfStream('tenant-')).to.equal(null);
  });

  it('keeps a summary to one line of at most 500 characters', () => {
    const failed: DomainEvent = { type: 'ProvisioningStepFailed', data: { tenantId: TENANT, at: T0, step: 'order-server', attempt: 3, error: `timeout\n${'x'.repeat(2000)}`, retryAt: null } };
    const summary = auditRow(recorded(failed, { id: 'e5', stream: `provisioning-${TENANT}` }))?.summary;
    expect(summary).to.have.length(500).and.to.match(/^Provisioning step order-server failed \(attempt 3\): timeout x+…$/);
  });
});

describe('audit summaries', () => {
  it('say what happened with the ids and amounts to look it up by', () => {
    expect(auditSummary(subscriptionEvent('SubscriptionUpdated', { id: 'sub_1', status: 'past_due' }))).to.equal('Subscription sub_1 updated (past_due)');
    expect(auditSummary(subscriptionEvent('SubscriptionDeleted', { id: 'sub_1', status: 'canceled' }))).to.equal('Subscription sub_1 ended (canceled)');
    expect(auditSummary(chargeRefunded({ id: 'ch_1', amount: 14_900, amountRefunded: 4_900, currency: 'JPY' }))).to.equal('Charge ch_1 refunded: 4900 JPY of 14900 JPY');
    expect(auditSummary(provisioningReady(TENANT, T0))).to.match(/^Infrastructure ready: t-aaaaaaaa\.example\.net \(203\.0\.113\.7\), simulated$/);
  });

  it('never quote what the event holds of secrets: the ready event names public keys and a Vault path only, and the summary neither', () => {
    const summary = auditSummary(provisioningReady(TENANT, T0));
    expect(summary).not.to.include('ssh-ed25519');
    expect(summary).not.to.include('secret/');
  });

  it('read a type added to the catalogue later as its name in words', () => {
    expect(typeInWords('DunningNoticeSent')).to.equal('Dunning notice sent');
    expect(auditSummary({ type: 'DunningNoticeSent', data: {} } as unknown as DomainEvent)).to.equal('Dunning notice sent');
  });
});
