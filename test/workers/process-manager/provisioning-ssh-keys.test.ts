import { expect } from 'chai';
import { createLocalSecretStore } from '../../../adapters/secrets/local-secret-store.ts';
import { createVaultSecretStore } from '../../../adapters/secrets/vault-secret-store.ts';
import { NOT_STARTED, type ProvisioningState } from '../../../domain/provisioning/provisioning-state.ts';
import type { EventStore } from '../../../domain/ports/event-store.ts';
import type { SecretStore } from '../../../domain/ports/provisioning.ts';
import type { ProcessPorts } from '../../../src/workers/process-manager/process.ts';
import { runStep, secretPath, type StepEnvironment } from '../../../src/workers/process-manager/provisioning/provisioning-steps.ts';
import { caught } from '../../support/caught.ts';
import { suiteTempDirs } from '../../support/temp-dirs.ts';
import { startVaultDouble, VAULT_DOUBLE_TOKEN, type VaultDouble } from '../../support/vault-double/server.ts';

const TENANT = 't-race';
const state: ProvisioningState = { ...NOT_STARTED, tenantId: TENANT, hostname: `${TENANT}.tenants.example.com` };

/** Distinct pairs on every call, as the real generator makes them (and quicker). */
function keyGenerator(instance: string) {
  let n = 0;
  return (comment: string) => {
    n += 1;
    return { publicKey: `ssh-ed25519 ${instance}${n} ${comment}`, privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${instance}${n}\n-----END OPENSSH PRIVATE KEY-----\n` };
  };
}

/** The store as two instances see it when both read before either writes: each read answers only once both have read. */
function bothReadFirst(store: SecretStore): SecretStore {
  let reads = 0;
  let bothRead!: () => void;
  const gate = new Promise<void>((resolve) => (bothRead = resolve));
  return Object.assign(Object.create(store) as SecretStore, {
    async read(path: string) {
      const found = await store.read(path);
      reads += 1;
      if (reads === 2) bothRead();
      await gate;
      return found;
    },
  });
}

// The ssh-keys step touches only the secret store; the other ports and the event store are not reached.
const environment = (secrets: SecretStore, instance: string): StepEnvironment => ({
  ports: { secrets } as unknown as ProcessPorts,
  store: {} as EventStore,
  generateKeyPair: keyGenerator(instance),
});

const publicKeysOf = (result: Readonly<Record<string, unknown>>) => ({ admin: result.adminPublicKey, tenant: result.tenantPublicKey });

describe('the ssh-keys step when two instances run it at once', function () {
  this.timeout(30_000);
  const tempDir = suiteTempDirs();
  let double: VaultDouble;
  before(async () => {
    double = await startVaultDouble();
  });
  after(() => double?.stop());

  const stores: [string, () => SecretStore][] = [
    ['local', () => createLocalSecretStore({ dataDir: tempDir('ssh-keys-') })],
    [
      'vault',
      () => {
        double.secrets.clear();
        return createVaultSecretStore({ addr: double.url, token: VAULT_DOUBLE_TOKEN, kvMount: 'secret', timeoutMs: 5000 });
      },
    ],
  ];

  for (const [kind, open] of stores) {
    describe(`with the ${kind} store`, () => {
      let store: SecretStore;
      beforeEach(() => {
        store = open();
      });

      it('both found the path empty and generated: both answer the keys stored, and the first stored stays', async () => {
        const shared = bothReadFirst(store);
        const [a, b] = await Promise.all([runStep('ssh-keys', state, environment(shared, 'A')), runStep('ssh-keys', state, environment(shared, 'B'))]);
        if (a.kind !== 'done' || b.kind !== 'done') throw new Error('not done');
        const stored = await store.read(secretPath(TENANT));
        expect(stored).to.not.equal(null);
        const storedKeys = { admin: stored!.adminPublicKey, tenant: stored!.tenantPublicKey };
        expect(publicKeysOf(a.result)).to.deep.equal(storedKeys);
        expect(publicKeysOf(b.result)).to.deep.equal(storedKeys);
        expect(a.result.vaultPath).to.equal(b.result.vaultPath);
        for (const result of [a.result, b.result]) expect(JSON.stringify(result)).not.to.include('PRIVATE KEY');
        if (kind === 'vault') expect(double.secrets.get(`secret/${secretPath(TENANT)}`)?.versions).to.have.length(1);
      });

      it('records the same path whether it stored the keys or found them stored (a retry after a crash)', async () => {
        const first = await runStep('ssh-keys', state, environment(store, 'A'));
        const again = await runStep('ssh-keys', state, environment(store, 'B'));
        if (first.kind !== 'done' || again.kind !== 'done') throw new Error('not done');
        expect(again.result).to.deep.equal(first.result);
        expect(first.result.vaultPath).to.equal(kind === 'vault' ? `secret/data/${secretPath(TENANT)}` : secretPath(TENANT));
      });

      it('a secret at the path without both key pairs is not replaced: the step fails naming what is missing, not the values', async () => {
        await store.write(secretPath(TENANT), { adminPublicKey: 'ssh-ed25519 HAND admin', adminPrivateKey: 'HAND-MADE-PRIVATE' });
        const error = await caught(() => runStep('ssh-keys', state, environment(store, 'A')));
        expect(error.message).to.include(secretPath(TENANT));
        expect(error.message).to.include('tenantPrivateKey');
        expect(error.message).not.to.include('HAND');
        expect(await store.read(secretPath(TENANT))).to.deep.equal({ adminPublicKey: 'ssh-ed25519 HAND admin', adminPrivateKey: 'HAND-MADE-PRIVATE' });
      });
    });
  }
});
