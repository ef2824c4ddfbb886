import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { T0 } from '../support/domain-events.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { appendProcessEvents, stepStarted } from '../support/process-events.ts';
import { expectTenantKeysOnly, ledgerWithTenants } from '../support/tenant-keys.ts';

type Entry = { id: string; type: string; summary: string; occurred_at: string; stream: string; stream_revision: number; stripe_event_id: string | null };

describe('GET /api/v1/audit', function () {
  this.timeout(60_000);
  const f = ledgerWithTenants(['Acme', 'Globex'], async ({ t, tenants: { Acme: acme, Globex: globex } }) => {
    // Acme: 11 provisioning steps, one a minute, two of them in the same second; and a paid invoice after them.
    const seconds = [0, 60, 120, 180, 240, 240, 300, 360, 420, 480, 540];
    await appendProcessEvents(
      t.ledger.store,
      `provisioning-${acme.id}`,
      seconds.map((s, i) => ({ id: randomUUID(), event: stepStarted(acme.id, T0 + s, 'wait-for-ip', i + 1), correlationId: 'prov-acme' })),
    );
    await t.deliver(paidInvoiceEvent('2023-10', { evt: 'evt_audit_acme', invoice: 'in_audit_acme', tenant: acme.id, amount: 4_900, currency: 'usd', paidAt: T0 + 600 }));
    // Globex: one of each.
    await appendProcessEvents(t.ledger.store, `provisioning-${globex.id}`, [{ id: randomUUID(), event: stepStarted(globex.id, T0, 'order-server') }]);
    await t.deliver(paidInvoiceEvent('current', { evt: 'evt_audit_globex', invoice: 'in_audit_globex', tenant: globex.id, amount: 900, currency: 'eur', paidAt: T0 + 5 }));
    await t.project();
  });

  const page = async (key: string, query = '') => {
    const res = await f.t.get(`/api/v1/audit${query}`, key);
    expect(res.status, JSON.stringify(res.json)).to.equal(200);
    return res.json as { entries: Entry[]; has_more: boolean };
  };

  it('answers 401 without a key and 403 for a key of another scope', async () => {
    await expectTenantKeysOnly(f, '/api/v1/audit');
  });

  it("returns the tenant's own trail, newest first", async () => {
    const { entries, has_more } = await page(f.tenants.Acme.key, '?limit=100');
    expect(has_more).to.equal(false);
    expect(entries).to.have.length(12);
    expect(entries[0]).to.include({ type: 'InvoicePaid', summary: 'Invoice in_audit_acme paid: 49.00 USD', stripe_event_id: 'evt_audit_acme' });
    expect(entries.slice(1).map((e) => e.stream_revision)).to.deep.equal([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const times = entries.map((e) => e.occurred_at);
    expect(times).to.deep.equal([...times].sort().reverse());
  });

  it('pages through the trail with starting_after, never skipping or repeating an entry', async () => {
    const all = (await page(f.tenants.Acme.key, '?limit=100')).entries.map((e) => e.id);
    // A page of 7 ends between the two steps of the same second.
    for (const limit of [1, 5, 7]) {
      const seen: string[] = [];
      let query = `?limit=${limit}`;
      for (let pages = 0; pages < 20; pages++) {
        const { entries, has_more } = await page(f.tenants.Acme.key, query);
        seen.push(...entries.map((e) => e.id));
        if (!has_more) break;
        query = `?limit=${limit}&starting_after=${entries.at(-1)!.id}`;
      }
      expect(seen, `pages of ${limit}`).to.deep.equal(all);
    }
  });

  it('filters by event type, and refuses a type the catalogue does not have', async () => {
    const { entries } = await page(f.tenants.Acme.key, '?type=InvoicePaid');
    expect(entries.map((e) => e.type)).to.deep.equal(['InvoicePaid']);
    expect((await page(f.tenants.Acme.key, '?type=AccessRevoked')).entries).to.deep.equal([]);
    const res = await f.t.get('/api/v1/audit?type=Nonsense', f.tenants.Acme.key);
    expect(res.status).to.equal(400);
    expect(JSON.stringify(res.json)).to.include('type');
  });

  it("never shows a tenant another tenant's entries, nor pages through them", async () => {
    const globexEntries = (await page(f.tenants.Globex.key, '?limit=100')).entries;
    expect(globexEntries.map((e) => e.type).sort()).to.deep.equal(['InvoicePaid', 'ProvisioningStepStarted']);
    expect(globexEntries.every((e) => e.stream.endsWith(f.tenants.Globex.id))).to.equal(true);
    const acmeIds = new Set((await page(f.tenants.Acme.key, '?limit=100')).entries.map((e) => e.id));
    expect(globexEntries.some((e) => acmeIds.has(e.id))).to.equal(false);
    const res = await f.t.get(`/api/v1/audit?starting_after=${globexEntries[0]!.id}`, f.tenants.Acme.key);
    expect(res.status).to.equal(400);
    expect(res.json).to.have.nested.property('error.code', 'invalid_parameter');
  });

  it('refuses a bad limit or cursor, naming the parameter', async () => {
    for (const [query, name] of [['?limit=0', 'limit'], ['?limit=1e1', 'limit'], ['?starting_after=x', 'starting_after'], ['?limit=1&limit=2', 'limit']]) {
      const res = await f.t.get(`/api/v1/audit${query}`, f.tenants.Acme.key);
      expect(res.status, query).to.equal(400);
      expect(JSON.stringify(res.json), query).to.include(name);
    }
  });
});
