import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { entitlementsProjection } from '../../projections/entitlements/projection.ts';
import type { EntitlementRow } from '../../projections/entitlements/row.ts';
import { T0 } from '../support/domain-events.ts';
import { accessRestored, accessRevoked, accessSuspended, inStream, provisioningReady } from '../support/process-events.ts';
import { projectionSpec } from '../support/projection-spec.ts';
import { rebuildProjection } from '../../src/workers/rebuild.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

const at = (seconds: number) => new Date(seconds * 1000);

describe('entitlements projection', function () {
  this.timeout(60_000);
  let t: TestLedger;
  before(async () => {
    t = await startTestLedger();
  });
  after(() => t?.close());

  /** A tenant of its own per case, and the rows the projection keeps for it. */
  const spec = (cases: (tenant: string) => Omit<Parameters<typeof projectionSpec<EntitlementRow>>[3], 'rows'>) => {
    const tenant = randomUUID();
    const rows = async () => (await t.database.db.withTables<{ entitlements: EntitlementRow }>().selectFrom('entitlements').selectAll().where('tenant_id', '=', tenant).execute());
    return projectionSpec(t.ledger.database.db, entitlementsProjection, t.ledger.projectionContext, { ...cases(tenant), rows });
  };
  const ids = (n: number) => Array.from({ length: n }, () => randomUUID());

  it('given nothing, when provisioning is ready, then the infrastructure is unlocked and access untouched', () =>
    spec((tenant) => ({
      given: [],
      when: inStream(`provisioning-${tenant}`, [provisioningReady(tenant, T0)], ids(1)),
      then: ([row, ...more]) => {
        expect(more).to.deep.equal([]);
        expect(row).to.include({ access_state: 'active', infrastructure: 'unlocked' });
        expect(row?.infrastructure_ready_at).to.deep.equal(at(T0));
      },
    })));

  it('given access suspended, when it is restored and then revoked, then it is revoked since the revocation', () =>
    spec((tenant) => {
      const stream = `dunning-${tenant}`;
      const [suspended, restored, revoked] = inStream(stream, [accessSuspended(tenant, T0), accessRestored(tenant, T0 + 86_400), accessRevoked(tenant, T0 + 2 * 86_400, 'sub_1')], ids(3));
      return {
        given: [suspended!],
        when: [restored!, revoked!],
        then: ([row]) => {
          expect(row).to.include({ access_state: 'revoked', access_reason: 'subscription ended', revoked_subscription_id: 'sub_1', infrastructure: 'locked' });
          expect(row?.access_since).to.deep.equal(at(T0 + 2 * 86_400));
        },
      };
    }));

  it('given a restoration, when an older suspension is recorded late, then access stays active', () =>
    spec((tenant) => {
      const [restored, suspended] = inStream(`dunning-${tenant}`, [accessRestored(tenant, T0 + 100), accessSuspended(tenant, T0 + 50)], ids(2));
      return { given: [restored!], when: [suspended!], then: ([row]) => expect(row).to.include({ access_state: 'active', access_reason: 'invoice paid' }) };
    }));

  it('builds the same rows from the log through the runner, and rebuilds them equal: events appended to the process streams', async () => {
    const tenant = (await t.ledger.tenants.create('Runner')).tenant.id;
    const append = (stream: string, event: ReturnType<typeof accessSuspended> | ReturnType<typeof provisioningReady>) =>
      t.ledger.store.append(stream, [{ id: randomUUID(), type: event.type, data: event.data, metadata: { correlationId: 'run-1' } }]);
    await append(`provisioning-${tenant}`, provisioningReady(tenant, T0 + 10));
    await append(`dunning-${tenant}`, accessSuspended(tenant, T0 + 20, 'in_7'));
    await t.project();
    const rows = async () => (await t.database.db.withTables<{ entitlements: EntitlementRow }>().selectFrom('entitlements').selectAll().where('tenant_id', '=', tenant).execute());
    const live = await rows();
    expect(live).to.have.length(1);
    expect(live[0]).to.include({ infrastructure: 'unlocked', access_state: 'suspended', access_invoice_id: 'in_7' });
    // The other cases wrote rows straight into the table, which the log does not hold: compare this tenant's.
    await rebuildProjection(t.ledger.store, t.ledger.database.db, entitlementsProjection, t.ledger.projectionContext);
    expect(await rows()).to.deep.equal(live);
  });
});
