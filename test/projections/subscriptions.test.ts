import { expect } from 'chai';
import { fixtureEvent, FIXTURE_SHAPES, type FixtureShape } from '../support/stripe-fixtures.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z

function subscriptionEvent(
  shape: FixtureShape,
  type: string,
  o: { evt: string; created: number; sub: string; tenant: string; status: string; price?: string; cancelAtPeriodEnd?: boolean },
) {
  const price = o.price ?? 'price_professional_monthly';
  const period = { current_period_start: T0, current_period_end: T0 + 30 * 86400 };
  const item = { ...(shape === 'current' ? period : {}), price: { id: price, currency: 'usd', unit_amount: 14900 } };
  return fixtureEvent(
    shape,
    type,
    'subscription',
    {
      id: o.sub,
      customer: `cus_${o.sub}`,
      status: o.status,
      metadata: { tenant_id: o.tenant },
      cancel_at_period_end: o.cancelAtPeriodEnd ?? false,
      cancel_at: null,
      canceled_at: o.status === 'canceled' ? o.created : null,
      created: T0,
      trial_end: null,
      pending_update: null,
      ...(shape === '2023-10' ? period : {}),
      items: { object: 'list', data: [item] },
    },
    { id: o.evt, created: o.created },
  );
}

for (const shape of FIXTURE_SHAPES) {
  describe(`subscriptions projection (${shape} shape)`, function () {
    let t: TestLedger;
    let tenant: string;
    let n = 0;
    before(async () => {
      t = await startTestLedger();
      tenant = (await t.ledger.tenants.create('Subs')).tenant.id;
    });
    after(() => t.close());

    const rows = async (sub: string) => (await t.database.pool.query('select * from subscriptions where stripe_subscription_id = $1', [sub])).rows;

    it('given created then updated, when delivered out of order, ends in the newest state', async () => {
      const sub = `sub_ooo_${shape}_${n++}`;
      const created = subscriptionEvent(shape, 'customer.subscription.created', { evt: `evt_c_${sub}`, created: T0, sub, tenant, status: 'incomplete' });
      const active = subscriptionEvent(shape, 'customer.subscription.updated', { evt: `evt_a_${sub}`, created: T0 + 10, sub, tenant, status: 'active' });
      const pastDue = subscriptionEvent(shape, 'customer.subscription.updated', { evt: `evt_p_${sub}`, created: T0 + 20, sub, tenant, status: 'past_due' });
      for (const e of [pastDue, created, active]) expect((await t.deliver(e)).status).to.equal(200);
      await t.project();
      const [row] = await rows(sub);
      expect(row).to.include({ status: 'past_due', tenant_id: tenant, plan_id: 'professional-monthly', stripe_price_id: 'price_professional_monthly' });
      expect(row.last_event_created.toISOString()).to.equal(new Date((T0 + 20) * 1000).toISOString());
      expect(row.current_period_start.toISOString()).to.equal(new Date(T0 * 1000).toISOString());
      expect(row.current_period_end.toISOString()).to.equal(new Date((T0 + 30 * 86400) * 1000).toISOString());
    });

    it('an older update never revives a canceled subscription', async () => {
      const sub = `sub_cancel_${shape}_${n++}`;
      const deleted = subscriptionEvent(shape, 'customer.subscription.deleted', { evt: `evt_d_${sub}`, created: T0 + 50, sub, tenant, status: 'canceled' });
      const olderUpdate = subscriptionEvent(shape, 'customer.subscription.updated', { evt: `evt_u_${sub}`, created: T0 + 40, sub, tenant, status: 'active' });
      const sameSecond = subscriptionEvent(shape, 'customer.subscription.updated', { evt: `evt_s_${sub}`, created: T0 + 50, sub, tenant, status: 'active' });
      await t.deliver(deleted);
      await t.project();
      await t.deliver(olderUpdate);
      await t.deliver(sameSecond);
      await t.project();
      const [row] = await rows(sub);
      expect(row.status).to.equal('canceled');
      expect(row.cancel_date.toISOString()).to.equal(new Date((T0 + 50) * 1000).toISOString());
    });

    it('the same events delivered twice give the same row', async () => {
      const sub = `sub_twice_${shape}_${n++}`;
      const events = [
        subscriptionEvent(shape, 'customer.subscription.created', { evt: `evt_1_${sub}`, created: T0, sub, tenant, status: 'trialing' }),
        subscriptionEvent(shape, 'customer.subscription.updated', { evt: `evt_2_${sub}`, created: T0 + 5, sub, tenant, status: 'active', cancelAtPeriodEnd: true }),
      ];
      for (const e of events) await t.deliver(e);
      await t.project();
      const once = await rows(sub);
      for (const e of events) expect((await t.deliver(e)).json.duplicate).to.equal(true);
      await t.project();
      expect(await rows(sub)).to.deep.equal(once);
      expect(once).to.have.length(1);
      expect(once[0]).to.include({ status: 'active', cancel_at_period_end: true });
    });
  });
}
