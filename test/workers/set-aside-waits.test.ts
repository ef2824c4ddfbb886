import { expect } from 'chai';
import pg from 'pg';
import { projectionByName } from '../../projections/all.ts';
import { liveTarget } from '../../src/workers/apply-batch.ts';
import { listDeadLetters } from '../../src/workers/dead-letters.ts';
import { runProjection } from '../../src/workers/projection-runner.ts';
import { testStoreKind } from '../support/database.ts';
import { paidInvoiceEvent } from '../support/invoice-events.ts';
import { capturingLogger } from '../support/log-capture.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

/**
 * Only events a projection cannot apply are set aside. A failure that lies in the database (a
 * lock held past the lock timeout, say) is waited out, however long, and sets nothing aside.
 */
describe('a projection blocked by the database', function () {
  this.timeout(60_000);
  let t: TestLedger;
  before(async function () {
    // A lock held by another session needs a second session: a Postgres server.
    if (testStoreKind !== 'postgres') this.skip();
    t = await startTestLedger({ DB_LOCK_TIMEOUT_MS: '200' });
  });
  after(() => t?.close());

  it('waits out a lock held on its table past the lock timeout, and sets nothing aside', async () => {
    const tenant = (await t.ledger.tenants.create('Acme')).tenant.id;
    await t.deliver(paidInvoiceEvent('2023-10', { evt: 'evt_locked_out', invoice: 'in_locked_out', tenant, amount: 100, currency: 'usd', paidAt: 1_767_225_600 }));
    const blocker = new pg.Client({ connectionString: t.database.url });
    await blocker.connect();
    const { logger } = capturingLogger();
    const runner = runProjection(t.ledger.store, t.ledger.database.db, liveTarget(projectionByName('payments'), t.ledger.projectionContext), logger, { attempts: 2 });
    try {
      await blocker.query('begin');
      await blocker.query('lock table payments in access exclusive mode');
      // Several lock timeouts' worth, and more than every retry of the event.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await blocker.query('commit');
      const deadline = Date.now() + 20_000;
      while ((await t.database.pool.query(`select 1 from payments where stripe_invoice_id = 'in_locked_out'`)).rowCount === 0) {
        if (Date.now() > deadline) throw new Error('the payment never appeared');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await runner.stop();
      await blocker.end();
    }
    expect(await listDeadLetters(t.ledger.database.db, { projection: 'payments' })).to.deep.equal([]);
  });
});
