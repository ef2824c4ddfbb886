import { expect } from 'chai';
import { migrateDatabase } from '../../adapters/db/migrate.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { openProcessPorts } from '../../src/process-ports.ts';
import { capturingLogger } from '../support/log-capture.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { suiteTempDirs } from '../support/temp-dirs.ts';

describe('process ports', function () {
  this.timeout(60_000);
  const tempDir = suiteTempDirs();
  let database: TestDatabase;

  before(async () => {
    database = await freshDatabase();
    await migrateDatabase(database.db);
  });
  after(() => database?.close());

  it('without providers configured, uses the local stand-ins and says so', async () => {
    const { logger, lines } = capturingLogger();
    const ports = openProcessPorts(loadConfig({}), { db: database.db, dataDir: tempDir('ports-'), logger });
    expect([ports.vps.simulated, ports.dns.simulated, ports.secrets.kind, ports.mailer.kind]).to.deep.equal([true, true, 'local', 'outbox']);
    expect(lines[0]).to.include({ level: 40, simulated: true });
    const server = await ports.vps.orderServer({ reference: 'ports-test', hostname: 'ports.example.com' });
    expect(server.orderId).to.be.a('string');
    await ports.close();
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
    // And the factory refuses again, should a config be built some other way.
    const config = { ...loadConfig({}), nodeEnv: 'production' as const };
    expect(() => openProcessPorts(config, { db: database.db, dataDir: tempDir('ports-'), logger: capturingLogger().logger })).to.throw(ConfigError, /VAULT_ADDR/);
  });

  it('names the missing half of a partly configured provider', () => {
    expect(() => loadConfig({ HOSTWINDS_API_KEY: 'k', VAULT_TOKEN: 't' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.includes('HOSTWINDS_LOCATION_ID, HOSTWINDS_PLAN_ID, HOSTWINDS_IMAGE: required with HOSTWINDS_API_KEY')
      .and.includes('VAULT_ADDR: required with VAULT_TOKEN');
  });
});
