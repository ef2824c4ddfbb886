import { expect } from 'chai';
import { startTestLedger, type TestLedger } from './test-ledger.ts';

export interface TenantKey {
  readonly id: string;
  readonly key: string;
}

export interface TenantApiFixture<N extends string> {
  readonly t: TestLedger;
  readonly tenants: Record<N, TenantKey>;
  /** A key of another scope, which tenant routes refuse. */
  readonly financeKey: string;
}

/**
 * A suite's ledger with tenants (each with its first tenant key) and a finance key, opened before
 * its tests and closed after them; `setup` then fills the log. The fields are set once `before` ran.
 */
export function ledgerWithTenants<N extends string>(names: readonly N[], setup?: (fixture: TenantApiFixture<N>) => Promise<void>): TenantApiFixture<N> {
  const fixture = { tenants: {} } as { t: TestLedger; tenants: Record<N, TenantKey>; financeKey: string };
  before(async () => {
    fixture.t = await startTestLedger();
    for (const name of names) {
      const created = await fixture.t.ledger.tenants.create(name);
      fixture.tenants[name] = { id: created.tenant.id, key: created.apiKey };
    }
    fixture.financeKey = (await fixture.t.ledger.apiKeys.issue({ scope: 'finance', name: 'books' })).secret;
    await setup?.(fixture);
  });
  after(() => fixture.t?.close());
  return fixture;
}

/** A tenant route: 401 without a key, 403 `forbidden` for a key of another scope. */
export async function expectTenantKeysOnly(fixture: TenantApiFixture<string>, path: string): Promise<void> {
  expect((await fixture.t.get(path)).status).to.equal(401);
  const res = await fixture.t.get(path, fixture.financeKey);
  expect(res.status).to.equal(403);
  expect(res.json).to.have.nested.property('error.code', 'forbidden');
}
