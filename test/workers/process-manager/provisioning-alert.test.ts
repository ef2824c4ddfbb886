import { expect } from 'chai';
import type { EventStore } from '../../../domain/ports/event-store.ts';
import type { TestLedger } from '../../support/test-ledger.ts';
import { startProcessManagerLedger, startProvisioningHarness, type ProvisioningHarness } from './provisioning-harness.ts';

describe('provisioning: the operator alert survives a crash', function () {
  this.timeout(120_000);
  let t: TestLedger;
  let h: ProvisioningHarness | undefined;
  let restore = () => {};
  before(async () => {
    t = await startProcessManagerLedger();
  });
  after(async () => {
    await t?.close();
  });
  afterEach(async () => {
    restore();
    await h?.close();
    h = undefined;
  });

  it('a crash just after the delay is recorded still leaves the operator alerted (the alert goes out first)', async () => {
    h = await startProvisioningHarness(t);
    h.failNext('upsertARecord', 4);
    // The process dies the moment the delay and its alert event are committed.
    const store: EventStore = t.ledger.store;
    const append = store.append;
    let crashed = false;
    store.append = async (stream, events, options) => {
      const result = await append.call(store, stream, events, options);
      if (!crashed && events.some((e) => e.type === 'OperatorAlertRaised')) {
        crashed = true;
        throw new Error('killed right after the commit');
      }
      return result;
    };
    restore = () => {
      store.append = append;
    };
    const { tenantId } = await h.checkout();
    await h.until(tenantId, () => crashed);
    await h.stopRunner();
    restore();
    h.startRunner();
    await h.until(tenantId, (s) => s.status === 'delayed');
    expect(h.alerts.map((a) => a.tenantId)).to.include(tenantId);
  });
});
