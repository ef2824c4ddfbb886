import { expect } from 'chai';
import pino from 'pino';
import { createAdvisoryLeases } from '../../adapters/db/advisory-lease.ts';
import { projectionByName } from '../../projections/all.ts';
import { liveTarget } from '../../src/workers/apply-batch.ts';
import { runProjection, type RunningProjection } from '../../src/workers/projection-runner.ts';
import { testStoreKind } from '../support/database.ts';
import { startTestLedger, type TestLedger } from '../support/test-ledger.ts';

/*
 * A SIGTERM that reached `serve` just after a runner took its lease, while it was still preparing
 * its subscription, left that runner following the log: its stop had nothing to stop yet, and
 * the shutdown waited out SHUTDOWN_TIMEOUT_MS (seen in CI's shutdown test).
 */
describe('stopping a projection runner while it prepares its subscription', function () {
  let t: TestLedger;
  before(async () => {
    t = await startTestLedger();
  });
  after(() => t.close());

  it('stops at once when told right after it took its lease', async function () {
    if (testStoreKind !== 'postgres') this.skip(); // The embedded store has no leases to take.
    const leases = createAdvisoryLeases(t.database.pool, { retryMs: 50 });
    let stopped: Promise<void> | undefined;
    // The log line is written synchronously, between the lease and the subscription.
    const logger = pino({ level: 'info' }, {
      write(line: string) {
        if (!stopped && line.includes('took the lease')) stopped = runner.stop();
      },
    });
    const runner: RunningProjection = runProjection(t.ledger.store, t.ledger.database.db, liveTarget(projectionByName('payments'), t.ledger.projectionContext), logger, { leases });
    while (!stopped) await new Promise((resolve) => setTimeout(resolve, 5));
    const outcome = await Promise.race([stopped.then(() => 'stopped'), new Promise((resolve) => setTimeout(() => resolve('still running after 5 s'), 5_000))]);
    expect(outcome).to.equal('stopped');
  });
});
