import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { openProcessPorts } from '../../src/process-ports.ts';
import { capturingLogger } from '../support/log-capture.ts';
import { suiteMigratedDatabase } from '../support/migrated-database.ts';
import { suiteTempDirs } from '../support/temp-dirs.ts';
import { CLOUDFLARE_DOUBLE_ZONE, startCloudflareDouble } from '../support/cloudflare-double/server.ts';
import { startHostwindsDouble } from '../support/hostwinds-double/server.ts';
import { providerDoublesEnv } from '../support/provider-doubles-env.ts';
import { startSmtpSink } from '../support/smtp-sink/server.ts';
import { startVaultDouble, VAULT_DOUBLE_TOKEN } from '../support/vault-double/server.ts';

describe('process ports', function () {
  this.timeout(60_000);
  const tempDir = suiteTempDirs();
  const database = suiteMigratedDatabase();


  it('without providers configured, uses the local stand-ins and says so', async () => {
    const { logger, lines } = capturingLogger();
    const ports = openProcessPorts(loadConfig({}), { db: database().db, dataDir: tempDir('ports-'), logger });
    expect([ports.vps.simulated, ports.dns.simulated, ports.secrets.kind, ports.mailer.kind]).to.deep.equal([true, true, 'local', 'outbox']);
    expect(lines[0]).to.include({ level: 40, simulated: true });
    const server = await ports.vps.orderServer({ reference: 'ports-test', hostname: 'ports.example.com' });
    expect(server.orderId).to.be.a('string');
    await ports.close();
  });

  it('with providers configured, uses them: Hostwinds, Cloudflare, Vault, SMTP, and warns of no stand-in', async () => {
    const [hostwinds, cloudflare, vault, smtp] = await Promise.all([startHostwindsDouble(), startCloudflareDouble(), startVaultDouble(), startSmtpSink()]);
    const { logger, lines } = capturingLogger();
    const config = loadConfig({
      ...providerDoublesEnv({ hostwindsUrl: hostwinds.url, cloudflareUrl: cloudflare.url, vault: { addr: vault.url, token: VAULT_DOUBLE_TOKEN }, smtpUrl: smtp.url }),
      EMAIL_FROM: 'billing@ledger.example',
    });
    const ports = openProcessPorts(config, { db: database().db, dataDir: tempDir('ports-'), logger });
    try {
      expect([ports.vps.name, ports.vps.simulated, ports.dns.name, ports.dns.simulated, ports.secrets.kind, ports.mailer.kind]).to.deep.equal(['hostwinds', false, 'cloudflare', false, 'vault', 'smtp']);
      expect(lines).to.have.length(0);
      const server = await ports.vps.orderServer({ reference: 'provisioning-ports', hostname: 'ports.example.com' });
      await ports.dns.upsertARecord({ hostname: 'ports.example.com', ip: server.publicIp! });
      await ports.secrets.write('tenants/ports/ssh', { privateKey: 'x' });
      await ports.mailer.send({ to: 'ops@tenant.example', subject: 'Ready', text: 'ready', idempotencyKey: 'ports-ready' });
      expect(hostwinds.instances.size).to.equal(1);
      expect(cloudflare.addressesOf('ports.example.com')).to.deep.equal([server.publicIp]);
      expect(vault.secrets.has('secret/tenants/ports/ssh')).to.equal(true);
      expect(smtp.received).to.have.length(1);
    } finally {
      await ports.close();
      await Promise.all([hostwinds.stop(), cloudflare.stop(), vault.stop(), smtp.stop()]);
    }
  });

  it('refuses production without the VPS provider, DNS provider and Vault, naming what is missing', () => {
    const production = { NODE_ENV: 'production', STRIPE_WEBHOOK_SIGNING_SECRET: 'whsec_x' };
    let error: unknown;
    try {
      loadConfig(production);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['HOSTWINDS_API_KEY', 'CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_ZONE_ID', 'VAULT_ADDR', 'VAULT_TOKEN']) expect(message).to.include(name);
    const complete = {
      ...production,
      HOSTWINDS_API_KEY: 'k',
      HOSTWINDS_LOCATION_ID: '2',
      HOSTWINDS_PLAN_ID: '151',
      HOSTWINDS_IMAGE: 'ubuntu-24.04',
      CLOUDFLARE_API_TOKEN: 't',
      CLOUDFLARE_ZONE_ID: CLOUDFLARE_DOUBLE_ZONE,
      VAULT_ADDR: 'https://vault.internal:8200',
      VAULT_TOKEN: 'hvs.x',
    };
    expect(loadConfig(complete).provisioning.vault).to.deep.equal({ addr: 'https://vault.internal:8200', token: 'hvs.x', kvMount: 'secret' });
    // And the factory refuses again, should a config be built some other way.
    const config = { ...loadConfig({}), nodeEnv: 'production' as const };
    expect(() => openProcessPorts(config, { db: database().db, dataDir: tempDir('ports-'), logger: capturingLogger().logger })).to.throw(ConfigError, /VAULT_ADDR/);
  });

  it('names the missing half of a partly configured provider', () => {
    expect(() => loadConfig({ HOSTWINDS_API_KEY: 'k', VAULT_TOKEN: 't' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.includes('HOSTWINDS_LOCATION_ID, HOSTWINDS_PLAN_ID, HOSTWINDS_IMAGE: required with HOSTWINDS_API_KEY')
      .and.includes('VAULT_ADDR: required with VAULT_TOKEN');
  });
});
