import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../../adapters/db/database.ts';
import { migrateDatabase } from '../../adapters/db/migrate.ts';
import { createOutboxMailer } from '../../adapters/email/outbox-mailer.ts';
import { suiteCliStore } from '../support/cli-store.ts';
import { jsonLines, runLedger, stderrLines } from '../support/cli.ts';

describe('ledger outbox list', function () {
  this.timeout(300_000);
  const env = suiteCliStore('ledger-outbox', { LOG_LEVEL: 'warn' });
  const [acme, globex] = [randomUUID(), randomUUID()];

  before(async () => {
    // Written the way the process manager writes it, then the store is closed for the CLI.
    const database = await openDatabase({ databaseUrl: env().DATABASE_URL, dataDir: env().DATA_DIR!, command: 'test' });
    try {
      await migrateDatabase(database.db);
      const mailer = createOutboxMailer(database.db);
      await mailer.send({ to: 'ops@acme.example', subject: 'Ready', text: 'Your servers are ready.', idempotencyKey: `${acme}-ready`, tenantId: acme });
      await mailer.send({ to: 'ops@globex.example', subject: 'Payment failed', text: 'Please update your card.', idempotencyKey: `${globex}-dunning-0`, tenantId: globex });
    } finally {
      await database.close();
    }
  });

  it("lists every message, or one tenant's", async () => {
    const all = await runLedger(['outbox', 'list'], env());
    expect(all.code, all.stderr).to.equal(0);
    expect(jsonLines(all.stdout).map((m) => m.subject)).to.deep.equal(['Ready', 'Payment failed']);
    const one = await runLedger(['outbox', 'list', '--tenant', acme], env());
    expect(one.code, one.stderr).to.equal(0);
    const lines = jsonLines(one.stdout);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ tenantId: acme, to: 'ops@acme.example', subject: 'Ready', text: 'Your servers are ready.' });
    expect(lines[0]!.messageId).to.be.a('string');
  });

  it('refuses a tenant id that is not a UUID, in one line', async () => {
    const run = await runLedger(['outbox', 'list', '--tenant', 'acme'], env());
    expect(run.code).to.equal(2);
    expect(stderrLines(run)).to.have.length(1);
    expect(stderrLines(run)[0]).to.include('--tenant');
  });
});
