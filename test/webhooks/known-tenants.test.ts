import { expect } from 'chai';
import { rememberExistingTenants } from '../../src/webhooks/known-tenants.ts';

describe('ingest: remembering existing tenants', () => {
  it('asks once for a tenant that exists, and every time for one that does not, so it is found once created', async () => {
    const existing = new Set<string>(['t1']);
    const asked: string[] = [];
    const exists = rememberExistingTenants(async (id) => {
      asked.push(id);
      return existing.has(id);
    });
    expect(await exists('t1')).to.equal(true);
    expect(await exists('t1')).to.equal(true);
    expect(await exists('t2')).to.equal(false);
    existing.add('t2');
    expect(await exists('t2')).to.equal(true);
    expect(await exists('t2')).to.equal(true);
    expect(asked).to.deep.equal(['t1', 't2', 't2']);
  });

  it('stays within its bound', async () => {
    const asked: string[] = [];
    const exists = rememberExistingTenants(async (id) => (asked.push(id), true), 2);
    for (const id of ['a', 'b', 'c', 'a']) await exists(id);
    // Full at c: it started over, so a is asked again.
    expect(asked).to.deep.equal(['a', 'b', 'c', 'a']);
  });
});
