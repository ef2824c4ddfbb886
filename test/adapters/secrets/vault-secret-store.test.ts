import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createVaultSecretStore } from '../../../adapters/secrets/vault-secret-store.ts';
import { startVaultDouble, VAULT_DOUBLE_TOKEN, type VaultDouble } from '../../support/vault-double/server.ts';
import { testVault, type TestVault } from '../../support/vault.ts';
import { caught } from '../../support/caught.ts';

const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

describe('Vault secret store (KV v2 through node-vault)', function () {
  this.timeout(30_000);

  describe('against Vault, or its double when none answers', () => {
    let vault: TestVault;
    const prefix = `ledger-test/${randomUUID()}`;
    before(async () => {
      vault = await testVault();
    });
    after(() => vault?.stop());

    const store = () => createVaultSecretStore({ addr: vault.addr, token: vault.token, kvMount: 'secret', timeoutMs: 5000 });

    it('writes a secret under <mount>/data/<path> and reads it back', async () => {
      const written = await store().write(`${prefix}/ssh`, { adminPrivateKey: PRIVATE_KEY, adminPublicKey: 'ssh-ed25519 AAAA admin' });
      expect(written).to.deep.equal({ path: `secret/data/${prefix}/ssh`, version: 1 });
      expect(store().kind).to.equal('vault');
      expect(await store().read(`${prefix}/ssh`)).to.deep.equal({ adminPrivateKey: PRIVATE_KEY, adminPublicKey: 'ssh-ed25519 AAAA admin' });
    });

    it('makes no new version when the same values are written again (a retried step), one for a change', async () => {
      const path = `${prefix}/retry`;
      expect((await store().write(path, { k: 'v' })).version).to.equal(1);
      expect((await store().write(path, { k: 'v' })).version).to.equal(1);
      expect((await store().write(path, { k: 'w' })).version).to.equal(2);
    });

    it('creates only where nothing is (check-and-set 0): a second create answers the first one\'s data and makes no version', async () => {
      const path = `${prefix}/create`;
      expect(await store().create(path, { adminPrivateKey: PRIVATE_KEY, adminPublicKey: 'first' })).to.deep.equal({ created: true, path: `secret/data/${path}`, version: 1 });
      expect(await store().create(path, { adminPublicKey: 'second' })).to.deep.equal({ created: false, path: `secret/data/${path}`, existing: { adminPrivateKey: PRIVATE_KEY, adminPublicKey: 'first' } });
      expect(await store().read(path)).to.deep.equal({ adminPrivateKey: PRIVATE_KEY, adminPublicKey: 'first' });
      expect((await store().write(path, { adminPrivateKey: PRIVATE_KEY, adminPublicKey: 'first' })).version).to.equal(1);
    });

    it('of two creates racing, one stores and the other is answered what it stored', async () => {
      const path = `${prefix}/race`;
      const answers = await Promise.all([store().create(path, { k: 'a' }), store().create(path, { k: 'b' })]);
      const made = answers.filter((a) => a.created);
      expect(made).to.have.length(1);
      const kept = await store().read(path);
      const other = answers.find((a) => !a.created);
      expect(other).to.deep.include({ created: false, existing: kept });
      expect(answers.indexOf(made[0]!) === 0 ? { k: 'a' } : { k: 'b' }).to.deep.equal(kept);
    });

    it('answers null for a path never written', async () => {
      expect(await store().read(`${prefix}/never`)).to.equal(null);
    });

    it('refuses a bad path before calling Vault', async () => {
      let error: unknown;
      await store().write('../sys/policy', { k: 'v' }).catch((e: unknown) => (error = e));
      expect(String(error)).to.include('Invalid secret path');
    });
  });

  describe('failures (the double)', () => {
    let double: VaultDouble;
    before(async () => {
      double = await startVaultDouble();
    });
    afterEach(() => double.heal());
    after(() => double?.stop());

    const store = (overrides: { token?: string; timeoutMs?: number; kvMount?: string } = {}) =>
      createVaultSecretStore({ addr: double.url, token: overrides.token ?? VAULT_DOUBLE_TOKEN, kvMount: overrides.kvMount ?? 'secret', timeoutMs: overrides.timeoutMs ?? 5000 });


    it('a wrong token is a refusal not worth retrying, and says nothing of the token or the secret', async () => {
      const error = await caught(() => store({ token: 'hvs.wrong' }).write('t/ssh', { privateKey: PRIVATE_KEY }));
      expect(error).to.include({ name: 'VaultError', statusCode: 403, retryable: false });
      expect(error.message).to.include('permission denied');
      expect(JSON.stringify(error)).not.to.include('hvs.');
      expect(JSON.stringify(error) + error.message).not.to.include('PRIVATE KEY');
    });

    it('a 500 or no answer in time is retryable, and nothing was written', async () => {
      double.fail({ kind: 'status', status: 500, body: { errors: ['internal error'] } }, { times: 1 });
      expect(await caught(() => store().write('t/a', { k: 'v' }))).to.include({ statusCode: 500, retryable: true });
      double.fail({ kind: 'hang' });
      const slow = await caught(() => store({ timeoutMs: 200 }).write('t/a', { k: 'v' }));
      expect(slow).to.include({ statusCode: null, retryable: true });
      expect(slow.message).to.include('no answer in time');
      double.heal();
      expect(double.secrets.has('secret/t/a')).to.equal(false);
      expect((await store().write('t/a', { k: 'v' })).version).to.equal(1);
    });

    it('a create Vault fails (500) is retryable and names no value; a refusal other than check-and-set is not taken for "exists"', async () => {
      double.fail({ kind: 'status', status: 500, body: { errors: ['internal error'] } }, { times: 1 });
      const failed = await caught(() => store().create('t/c', { privateKey: PRIVATE_KEY }));
      expect(failed).to.include({ name: 'VaultError', statusCode: 500, retryable: true });
      expect(failed.message).to.include('create t/c');
      expect(JSON.stringify(failed) + failed.message).not.to.include('PRIVATE KEY');
      double.fail({ kind: 'status', status: 400, body: { errors: ['no data provided'] } }, { times: 1 });
      expect(await caught(() => store().create('t/c', { k: 'v' }))).to.include({ statusCode: 400, retryable: false });
      expect(await store().create('t/c', { k: 'v' })).to.include({ created: true, version: 1 });
    });

    it('the double answers check-and-set as Vault documents it (cas n: only over version n)', async () => {
      const write = (body: unknown) => fetch(`${double.url}/v1/secret/data/t/cas`, { method: 'POST', headers: { 'x-vault-token': VAULT_DOUBLE_TOKEN }, body: JSON.stringify(body) });
      expect((await write({ options: { cas: 1 }, data: { k: 'v' } })).status).to.equal(400);
      expect((await write({ options: { cas: 0 }, data: { k: 'v1' } })).status).to.equal(200);
      const mismatch = await write({ options: { cas: 0 }, data: { k: 'v' } });
      expect(mismatch.status).to.equal(400);
      expect(await mismatch.json()).to.deep.equal({ errors: ['check-and-set parameter did not match the current version'] });
      expect((await write({ options: { cas: 1 }, data: { k: 'v2' } })).status).to.equal(200);
      expect((await write({ data: { k: 'v3' } })).status).to.equal(200);
      expect(double.secrets.get('secret/t/cas')?.versions.map((v) => v.data.k)).to.deep.equal(['v1', 'v2', 'v3']);
    });

    it('a mount that is not there is named', async () => {
      const error = await caught(() => store({ kvMount: 'kv' }).write('t/a', { k: 'v' }));
      expect(error).to.include({ statusCode: 404 });
    });
  });
});
