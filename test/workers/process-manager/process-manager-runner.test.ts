import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { openProcessPorts } from '../../../src/process-ports.ts';
import { listDeadLetters } from '../../../src/workers/dead-letters.ts';
import type { ProcessDefinition } from '../../../src/workers/process-manager/process.ts';
import { startProcessManager } from '../../../src/workers/process-manager/start-process-manager.ts';
import { capturingLogger } from '../../support/log-capture.ts';
import { fixtureEvent } from '../../support/stripe-fixtures.ts';
import type { TestLedger } from '../../support/test-ledger.ts';
import { startProcessManagerLedger } from './provisioning-harness.ts';

describe('process manager runner', function () {
  this.timeout(120_000);
  let t: TestLedger;
  before(async () => {
    t = await startProcessManagerLedger();
  });
  after(async () => {
    await t?.close();
  });

  it('sets aside an event a process cannot take and goes on with the events behind it', async () => {
    const poisoned = (await t.ledger.tenants.create('Poison')).tenant.id;
    const healthy = (await t.ledger.tenants.create('Healthy')).tenant.id;
    const seen: string[] = [];
    const process: ProcessDefinition = {
      name: 'poison-test',
      eventTypes: new Set(['CheckoutSessionCompleted']),
      async onEvent({ recorded }) {
        if (recorded.streamName === `tenant-${poisoned}`) throw new Error('cannot take this one');
        seen.push(recorded.streamName);
      },
      runDue: async () => null,
    };
    for (const [i, tenantId] of [poisoned, healthy].entries()) {
      const event = fixtureEvent('current', 'checkout.session.completed', 'checkout.session', { client_reference_id: tenantId, payment_status: 'paid', metadata: { tenant_id: tenantId } }, { id: `evt_pm_poison_${i}` });
      expect((await t.deliver(event)).status).to.equal(200);
    }
    const { logger, lines } = capturingLogger('info');
    const ports = openProcessPorts(t.ledger.config, { db: t.ledger.database.db, dataDir: t.ledger.config.dataDir, logger });
    const runner = startProcessManager(t.ledger, logger, { ports, processes: [process] });
    try {
      const deadline = Date.now() + 60_000;
      while (!seen.includes(`tenant-${healthy}`) && Date.now() < deadline) await sleep(50);
      expect(seen).to.deep.equal([`tenant-${healthy}`]);
      const letters = await listDeadLetters(t.ledger.database.db, { projection: 'process-manager:poison-test' });
      expect(letters.map((l) => l.stream)).to.deep.equal([`tenant-${poisoned}`]);
      expect(letters[0]!.error).to.equal('cannot take this one');
      expect(lines.some((l) => l.level === 50 && String(l.msg).startsWith('event set aside by the process manager'))).to.equal(true);
    } finally {
      await runner.stop();
      await ports.close();
    }
  });
});
