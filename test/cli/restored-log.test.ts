import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../adapters/db/database.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../adapters/db/scratch-database.ts';
import { runLedger, stderrLines } from '../support/cli.ts';
import { testServerUrl, testStoreKind } from '../support/database.ts';
import { FAR_AHEAD, insertEventFromAnotherCluster } from '../adapters/eventstore/restored-log-helpers.ts';

/** An operator restores a logical dump into a new cluster and runs the ledger: one clear line. */
describe(`ledger CLI on a log restored into another cluster (${testStoreKind} store)`, function () {
  this.timeout(60_000);
  let dataDir: string;
  let scratch: ScratchDatabase | undefined;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-restored-'));
    env = { DATA_DIR: dataDir, STRIPE_WEBHOOK_SIGNING_SECRET: 'whsec_restored', LOG_LEVEL: 'warn' };
    if (testServerUrl) {
      scratch = await createScratchDatabase(testServerUrl, 'ledger_restored_test');
      env.DATABASE_URL = scratch.url;
    }
  });
  after(async () => {
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const ledger = (args: string[]) => runLedger(args, env);

  it('ledger migrate exits 2 with one line saying what happened and what to do', async () => {
    const first = await ledger(['migrate']);
    expect(first.code, first.stderr).to.equal(0);
    // The store, as a restore from a busier cluster leaves it (the embedded store is closed
    // between commands, so this process may open it).
    const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir, command: 'test' });
    try {
      await insertEventFromAnotherCluster((sql, params) => database.pool.query(sql, params));
    } finally {
      await database.close();
    }
    const run = await ledger(['migrate']);
    expect(run.code).to.equal(2);
    expect(run.stdout).to.equal('');
    expect(stderrLines(run), run.stderr).to.have.length(1);
    expect(run.stderr).to.include(`newest event has transaction id ${FAR_AHEAD}`).and.to.include('pg_resetwal');
  });
});
