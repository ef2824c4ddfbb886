import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { auditLogProjection } from '../../projections/audit-log/projection.ts';
import type { AuditRow } from '../../projections/audit-log/row.ts';
import { recordIntent } from '../../src/billing/intents.ts';
import { rebuildProjection } from '../../src/workers/rebuild.ts';
import { invoicePaid, recorded, T0 } from '../support/domain-events.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { accessSuspended, appendProcessEvents, inStream, provisioningReady, stepStarted } from '../support/process-events.ts';
import { projectionSpec } from '../support/projection-spec.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const at = (seconds: number) => new Date(seconds * 1000);

describe('audit_log projection', function () {
  this.timeout(60_000);
  let t: TestLedger;
  before(async () => {
    t = await startTestLedger();
  });
  after(() => t?.close());

  const rowsOf = (tenant: string) => async () =>
    (await t.database.db.withTables<{ audit_log: AuditRow }>().selectFrom('audit_log').selectAll().where('tenant_id', '=', tenant).orderBy('stream').orderBy('stream_revision').execute());

  it('given a billing event, when process steps arrive from two streams, then one row each, with its tenant, time and ids', async () => {
    const tenant = randomUUID();
    const paid = invoicePaid({ id: 'in_1' }, { tenantId: tenant, created: T0 });
    const given = [recorded(paid, { id: randomUUID(), stream: `tenant-${tenant}`, metadata: { stripeEventId: paid.data.stripe.eventId } })];
    const when = [
      ...inStream(`provisioning-${tenant}`, [stepStarted(tenant, T0 + 60, 'order-server'), provisioningReady(tenant, T0 + 600)], [randomUUID(), randomUUID()]),
      recorded(accessSuspended(tenant, T0 + 7 * 86_400), { id: randomUUID(), stream: `dunning-${tenant}`, metadata: { correlationId: 'dunning-run', causationId: given[0]!.recorded.id } }),
    ];
    await projectionSpec(t.ledger.database.db, auditLogProjection, t.ledger.projectionContext, {
      given,
      when,
      rows: rowsOf(tenant),
      then: (rows) => {
        expect(rows.map((r) => [r.stream.split('-')[0], r.stream_revision, r.type])).to.deep.equal([
          ['dunning', 0n, 'AccessSuspended'],
          ['provisioning', 0n, 'ProvisioningStepStarted'],
          ['provisioning', 1n, 'ProvisioningReady'],
          ['tenant', 0n, 'InvoicePaid'],
        ]);
        expect(rows[0]).to.include({ tenant_id: tenant, correlation_id: 'dunning-run', causation_id: given[0]!.recorded.id, stripe_event_id: null });
        expect(rows[0]?.occurred_at).to.deep.equal(at(T0 + 7 * 86_400));
        expect(rows[3]).to.include({ stripe_event_id: paid.data.stripe.eventId, correlation_id: paid.data.stripe.eventId, summary: 'Invoice in_1 paid: 149.00 USD' });
      },
    });
  });

  it('records webhooks, intents and process steps from the log through the runner, and rebuilds them equal', async () => {
    const { tenant: { id: tenant } } = await t.ledger.tenants.create('Audited');
    await t.deliver(paidInvoiceEvent('2023-10', { evt: 'evt_audit_paid', invoice: 'in_audit', tenant, amount: 4_900, currency: 'usd', paidAt: T0 }));
    await t.deliver(paidInvoiceEvent('2023-10', { evt: 'evt_audit_paid', invoice: 'in_audit', tenant, amount: 4_900, currency: 'usd', paidAt: T0 }));
    await recordIntent(t.ledger.store, 'CancellationRequested', { tenantId: tenant, customerId: 'cus_1', requestedAt: T0 + 9, subscriptionId: 'sub_1', reason: 'moving on', cancelAt: null }, 'cancel-1');
    await appendProcessEvents(t.ledger.store, `provisioning-${tenant}`, [
      { id: randomUUID(), event: stepStarted(tenant, T0 + 5, 'order-server'), correlationId: 'prov-1', causationId: 'cause-1' },
    ]);
    await t.project();
    const live = await rowsOf(tenant)();
    expect(live.map((r) => [r.type, r.stripe_event_id, r.correlation_id, r.causation_id])).to.deep.equal([
      ['ProvisioningStepStarted', null, 'prov-1', 'cause-1'],
      ['InvoicePaid', 'evt_audit_paid', 'evt_audit_paid', null],
      ['CancellationRequested', null, null, null],
    ]);
    expect(live[2]?.summary).to.equal('Cancellation of subscription sub_1 requested: "moving on"');
    expect(live[2]?.occurred_at).to.deep.equal(at(T0 + 9));
    // The other case wrote rows straight into the table, which the log does not hold: compare this tenant's.
    await rebuildProjection(t.ledger.store, t.ledger.database.db, auditLogProjection, t.ledger.projectionContext);
    expect(await rowsOf(tenant)()).to.deep.equal(live);
  });
});
