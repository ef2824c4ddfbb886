import { expect } from 'chai';
import { suiteCliStore } from '../support/cli-store.ts';
import { jsonLines, runLedger, stderrLines } from '../support/cli.ts';

describe('ledger keys', function () {
  // Every step is a `ledger` process opening the store: slow on a busy machine.
  this.timeout(300_000);
  const env = suiteCliStore('ledger-keys', { LOG_LEVEL: 'warn' });
  const ledger = (args: string[]) => runLedger(args, env());

  it('creates the first admin key, lists keys without their secret, and revokes one', async () => {
    const created = await ledger(['keys', 'create', '--scope', 'admin', '--name', 'ops']);
    expect(created.code, created.stderr).to.equal(0);
    const lines = jsonLines(created.stdout);
    expect(lines).to.have.length(1);
    const admin = lines[0] as { apiKey: string; keyId: string; prefix: string };
    expect(admin).to.include({ scope: 'admin', tenantId: null, name: 'ops', revokedAt: null });
    expect(admin.apiKey).to.match(/^lk_[A-Za-z0-9_-]{43}$/);
    expect(admin.prefix).to.equal(admin.apiKey.slice(0, 9));

    const tenant = jsonLines((await ledger(['tenants', 'create', '--name', 'Acme'])).stdout)[0] as { tenantId: string; apiKey: string; key: { keyId: string } };
    const second = await ledger(['keys', 'create', '--scope', 'tenant', '--tenant', tenant.tenantId, '--name', 'ci']);
    expect(second.code, second.stderr).to.equal(0);
    const tenantKey = jsonLines(second.stdout)[0] as { apiKey: string; keyId: string };

    const listed = await ledger(['keys', 'list', '--tenant', tenant.tenantId]);
    expect(listed.code, listed.stderr).to.equal(0);
    expect(jsonLines(listed.stdout).map((k) => [k.keyId, k.name])).to.deep.equal([
      [tenant.key.keyId, 'first key'],
      [tenantKey.keyId, 'ci'],
    ]);

    // The CLI may revoke the last admin key: it can always issue another.
    const revoked = await ledger(['keys', 'revoke', admin.keyId]);
    expect(revoked.code, revoked.stderr).to.equal(0);
    expect(jsonLines(revoked.stdout)[0]).to.include({ keyId: admin.keyId }).and.to.have.property('revokedAt').that.is.a('string');
    const all = await ledger(['keys', 'list']);
    for (const secret of [admin.apiKey, tenant.apiKey, tenantKey.apiKey]) expect(all.stdout).not.to.include(secret);
    const listedAdmin = jsonLines(all.stdout).find((k) => k.keyId === admin.keyId);
    expect(listedAdmin).to.have.property('revokedAt').that.is.a('string');
  });

  it('names what is wrong, in one line with exit 2, for a tenant or key that does not exist', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [args, words] of [
      [['keys', 'create', '--scope', 'tenant', '--tenant', missing], `no tenant ${missing}`],
      [['keys', 'revoke', missing], `no API key ${missing}`],
    ] as const) {
      const run = await ledger([...args]);
      expect(run.code, run.stderr).to.equal(2);
      expect(stderrLines(run)).to.deep.equal([stderrLines(run)[0]]);
      expect(stderrLines(run)[0]).to.include(words);
    }
  });
});
