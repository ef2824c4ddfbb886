import { expect } from 'chai';
import { readFileSync, readdirSync, statSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalSecretStore } from '../../../adapters/secrets/local-secret-store.ts';
import { suiteTempDirs } from '../../support/temp-dirs.ts';

const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

describe('local secret store', () => {
  const tempDir = suiteTempDirs();

  it('reads back what it wrote, after a restart, and keeps nothing in clear on disk', async () => {
    const dataDir = tempDir('secrets-');
    const store = createLocalSecretStore({ dataDir });
    expect(store.kind).to.equal('local');
    const written = await store.write('tenants/t-1/ssh', { adminPrivateKey: PRIVATE_KEY, adminPublicKey: 'ssh-ed25519 AAAA admin' });
    expect(written).to.deep.equal({ path: 'tenants/t-1/ssh', version: 1 });
    expect(await createLocalSecretStore({ dataDir }).read('tenants/t-1/ssh')).to.deep.equal({ adminPrivateKey: PRIVATE_KEY, adminPublicKey: 'ssh-ed25519 AAAA admin' });
    const file = join(dataDir, 'secrets', 'tenants', 't-1', 'ssh.json');
    const onDisk = readFileSync(file, 'utf8');
    expect(onDisk).not.to.include('PRIVATE KEY');
    expect(onDisk).not.to.include('ssh-ed25519');
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(statSync(join(dataDir, 'secret-store.key')).mode & 0o777).to.equal(0o600);
    expect(readdirSync(join(dataDir, 'secrets', 'tenants', 't-1'))).to.deep.equal(['ssh.json']);
  });

  it('keeps the version for a repeated identical write and bumps it for a change', async () => {
    const store = createLocalSecretStore({ dataDir: tempDir('secrets-') });
    expect((await store.write('a/b', { k: 'v' })).version).to.equal(1);
    expect((await store.write('a/b', { k: 'v' })).version).to.equal(1);
    expect((await store.write('a/b', { k: 'w' })).version).to.equal(2);
    expect(await store.read('a/b')).to.deep.equal({ k: 'w' });
  });

  it('creates only where nothing is: a second create, from another instance too, answers the first one\'s data and rewrites nothing', async () => {
    const dataDir = tempDir('secrets-');
    const store = createLocalSecretStore({ dataDir });
    expect(await store.create('tenants/t-1/ssh', { adminPrivateKey: PRIVATE_KEY, adminPublicKey: 'first' })).to.deep.equal({ created: true, path: 'tenants/t-1/ssh', version: 1 });
    const file = join(dataDir, 'secrets', 'tenants', 't-1', 'ssh.json');
    const onDisk = readFileSync(file, 'utf8');
    const [again, other] = await Promise.all([store.create('tenants/t-1/ssh', { adminPublicKey: 'second' }), createLocalSecretStore({ dataDir }).create('tenants/t-1/ssh', { adminPublicKey: 'third' })]);
    for (const answer of [again, other]) expect(answer).to.deep.equal({ created: false, path: 'tenants/t-1/ssh', existing: { adminPrivateKey: PRIVATE_KEY, adminPublicKey: 'first' } });
    expect(readFileSync(file, 'utf8')).to.equal(onDisk);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(readdirSync(join(dataDir, 'secrets', 'tenants', 't-1'))).to.deep.equal(['ssh.json']);
    expect(await store.read('tenants/t-1/ssh')).to.deep.equal({ adminPrivateKey: PRIVATE_KEY, adminPublicKey: 'first' });
  });

  it('a create where a secret does not decrypt fails without replacing it, and names no value', async () => {
    const dataDir = tempDir('secrets-');
    await createLocalSecretStore({ dataDir }).create('x/one', { k: 'v' });
    writeFileSync(join(dataDir, 'secret-store.key'), `${'ab'.repeat(32)}\n`);
    const before = readFileSync(join(dataDir, 'secrets', 'x', 'one.json'), 'utf8');
    let error: unknown;
    await createLocalSecretStore({ dataDir }).create('x/one', { k: 'SECRET-VALUE' }).catch((e: unknown) => (error = e));
    expect(error).to.have.property('name', 'SecretDecryptionError');
    expect(String(error)).not.to.include('SECRET-VALUE');
    expect(readFileSync(join(dataDir, 'secrets', 'x', 'one.json'), 'utf8')).to.equal(before);
    expect(readdirSync(join(dataDir, 'secrets', 'x'))).to.deep.equal(['one.json']);
  });

  it('answers null for a path never written', async () => {
    expect(await createLocalSecretStore({ dataDir: tempDir('secrets-') }).read('nothing/here')).to.equal(null);
  });

  it('refuses paths that could leave its directory', async () => {
    const store = createLocalSecretStore({ dataDir: tempDir('secrets-') });
    for (const path of ['../escape', '/abs', 'a/../b', 'a//b', '', 'a/.hidden']) {
      let error: unknown;
      await store.write(path, { k: 'v' }).catch((e: unknown) => (error = e));
      expect(String(error), path).to.include('Invalid secret path');
    }
  });

  it('does not decrypt under another key, nor a file moved to another path', async () => {
    const dataDir = tempDir('secrets-');
    await createLocalSecretStore({ dataDir }).write('x/one', { k: 'v' });
    mkdirSync(join(dataDir, 'secrets', 'y'), { recursive: true });
    copyFileSync(join(dataDir, 'secrets', 'x', 'one.json'), join(dataDir, 'secrets', 'y', 'two.json'));
    let error: unknown;
    await createLocalSecretStore({ dataDir }).read('y/two').catch((e: unknown) => (error = e));
    expect(error).to.have.property('name', 'SecretDecryptionError');

    writeFileSync(join(dataDir, 'secret-store.key'), `${'ab'.repeat(32)}\n`);
    error = undefined;
    await createLocalSecretStore({ dataDir }).read('x/one').catch((e: unknown) => (error = e));
    expect(error).to.have.property('name', 'SecretDecryptionError');
    expect(String(error)).not.to.include('"k"');
  });
});
