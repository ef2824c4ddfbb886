import { expect } from 'chai';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DEFAULT_PLAN_CATALOG_FILE, ensureWebhookSecrets, loadConfig } from '../../src/config.ts';
import { loadPlanCatalogue } from '../../src/plan-catalogue-file.ts';
import { suiteTempDirs } from '../support/temp-dirs.ts';

describe('configuration', () => {
  const tempDir = suiteTempDirs();

  it('has working defaults: port 3000, ./.data, embedded store, sample catalogue', () => {
    const config = loadConfig({});
    expect(config).to.include({ port: 3000, nodeEnv: 'development', logLevel: 'info', databaseUrl: undefined, planCatalogFile: DEFAULT_PLAN_CATALOG_FILE });
    expect(config.dataDir).to.match(/\/\.data$/);
    expect(config.webhookSecrets).to.deep.equal([]);
  });

  it('accepts a comma-separated list of webhook secrets, for rotation', () => {
    expect(loadConfig({ STRIPE_WEBHOOK_SIGNING_SECRET: 'whsec_new, whsec_old' }).webhookSecrets).to.deep.equal(['whsec_new', 'whsec_old']);
  });

  it('bounds every database wait and the shutdown, with defaults and checked overrides', () => {
    expect(loadConfig({}).databaseTimeouts).to.deep.equal({ statementMs: 5000, lockMs: 2000, idleInTransactionMs: 10000, connectMs: 3000 });
    expect(loadConfig({}).shutdownTimeoutMs).to.equal(10000);
    const set = loadConfig({ DB_STATEMENT_TIMEOUT_MS: '30000', DB_LOCK_TIMEOUT_MS: '500', DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '60000', DB_CONNECT_TIMEOUT_MS: '1000', SHUTDOWN_TIMEOUT_MS: '25000' });
    expect(set.databaseTimeouts).to.deep.equal({ statementMs: 30000, lockMs: 500, idleInTransactionMs: 60000, connectMs: 1000 });
    expect(set.shutdownTimeoutMs).to.equal(25000);
    // 0 would mean "wait forever" to Postgres and pg.
    expect(() => loadConfig({ DB_STATEMENT_TIMEOUT_MS: '0', DB_LOCK_TIMEOUT_MS: '2s', DB_CONNECT_TIMEOUT_MS: '1.5', SHUTDOWN_TIMEOUT_MS: '-1' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.includes('DB_STATEMENT_TIMEOUT_MS')
      .and.includes('DB_LOCK_TIMEOUT_MS')
      .and.includes('DB_CONNECT_TIMEOUT_MS')
      .and.includes('SHUTDOWN_TIMEOUT_MS');
  });

  it('names every problem in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        STRIPE_WEBHOOK_SIGNING_SECRET: 'not-a-secret',
        STRIPE_SECRET_KEY: 'pk_test_123',
        LOG_LEVEL: 'loud',
        NODE_ENV: 'staging',
      });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'DATABASE_URL', 'STRIPE_WEBHOOK_SIGNING_SECRET', 'STRIPE_SECRET_KEY', 'LOG_LEVEL', 'NODE_ENV']) {
      expect(message).to.include(name);
    }
  });

  it('names cross-variable problems together with malformed values', () => {
    expect(() => loadConfig({ PORT: 'x', NODE_ENV: 'production', PLAN_CATALOG_FILE: '/nonexistent.json' }))
      .to.throw(ConfigError)
      .with.property('problems')
      .that.satisfies((problems: string[]) =>
        ['PORT', 'STRIPE_WEBHOOK_SIGNING_SECRET', 'PLAN_CATALOG_FILE'].every((name) => problems.some((p) => p.startsWith(name))),
      );
  });

  it('reports a catalogue file with bad content as a configuration problem', () => {
    const file = join(tempDir('ledger-plans-'), 'plans.json');
    writeFileSync(file, JSON.stringify({ plans: [{ id: 'x' }] }));
    expect(() => loadPlanCatalogue(file)).to.throw(ConfigError, /PLAN_CATALOG_FILE/);
  });

  it('requires the webhook secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, /STRIPE_WEBHOOK_SIGNING_SECRET: required/);
  });

  it('rejects a missing plan catalogue file', () => {
    expect(() => loadConfig({ PLAN_CATALOG_FILE: '/nonexistent/plans.json' })).to.throw(ConfigError, /PLAN_CATALOG_FILE/);
  });

  it('outside production generates a dev webhook secret once and keeps it in DATA_DIR', () => {
    const dataDir = tempDir('ledger-config-');
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = ensureWebhookSecrets(config);
    expect(first.secrets[0]).to.match(/^whsec_[0-9a-f]{48}$/);
    expect(first.generatedIn).to.equal(join(dataDir, 'dev-webhook-secret'));
    expect(statSync(first.generatedIn!).mode & 0o077).to.equal(0);
    expect(ensureWebhookSecrets(config).secrets).to.deep.equal(first.secrets);
    expect(readFileSync(first.generatedIn!, 'utf8').trim()).to.equal(first.secrets[0]);
  });

  it('uses configured secrets and generates nothing when they are set', () => {
    const dataDir = tempDir('ledger-config-');
    const result = ensureWebhookSecrets(loadConfig({ DATA_DIR: dataDir, STRIPE_WEBHOOK_SIGNING_SECRET: 'whsec_abc' }));
    expect(result).to.deep.equal({ secrets: ['whsec_abc'], generatedIn: null });
    expect(existsSync(join(dataDir, 'dev-webhook-secret'))).to.equal(false);
  });
});
