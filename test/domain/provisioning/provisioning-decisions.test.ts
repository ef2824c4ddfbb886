import { expect } from 'chai';
import type { DomainEvent } from '../../../domain/events/catalogue.ts';
import { backoffMs } from '../../../domain/provisioning/backoff.ts';
import { infrastructureStatus } from '../../../domain/provisioning/infrastructure-status.ts';
import { nextProvisioningAction } from '../../../domain/provisioning/next-step.ts';
import { evolveProvisioning, NOT_STARTED, type ProvisioningState } from '../../../domain/provisioning/provisioning-state.ts';
import { stepFailureEvents, type RetryPolicy } from '../../../domain/provisioning/step-failure.ts';

const TENANT = 'aaaaaaaa-0000-4000-8000-000000000001';
const AT = 1_800_000_000;
const CLAIMS = { stepMs: 60_000, ipWaitMs: 600_000 };
const POLICY: RetryPolicy = { retries: 3, baseMs: 10_000, maxMs: 80_000, delayedRetryMs: 3_600_000 };

const fold = (events: DomainEvent[]): ProvisioningState => events.reduce((state, event, i) => evolveProvisioning(state, event, `id-${i}`), NOT_STARTED);
const started: DomainEvent = { type: 'ProvisioningStarted', data: { tenantId: TENANT, at: AT, trigger: 'checkout.session.completed', stripeEventId: 'evt_1', hostname: 'h.example.com' } };
const stepStarted = (step: 'order-server' | 'wait-for-ip', attempt: number): DomainEvent => ({ type: 'ProvisioningStepStarted', data: { tenantId: TENANT, at: AT, step, attempt } });
const stepDone = (step: 'order-server', result = {}): DomainEvent => ({ type: 'ProvisioningStepDone', data: { tenantId: TENANT, at: AT, step, attempt: 1, result, simulated: true } });

describe('provisioning decisions', () => {
  it('backs off exponentially with jitter drawn from the random given, capped', () => {
    expect(backoffMs(1, POLICY, () => 0)).to.equal(5_000);
    expect(backoffMs(1, POLICY, () => 0.999999)).to.be.closeTo(10_000, 1);
    expect(backoffMs(3, POLICY, () => 0.5)).to.equal(30_000);
    expect(backoffMs(10, POLICY, () => 0)).to.equal(40_000);
  });

  it('leaves a started try to whoever claimed it until its claim runs out (a crash), then tries again', () => {
    const claimed = fold([started, stepStarted('order-server', 1)]);
    expect(nextProvisioningAction(claimed, AT + 59, CLAIMS)).to.deep.equal({ kind: 'wait', until: AT + 60, delayed: false });
    expect(nextProvisioningAction(claimed, AT + 60, CLAIMS)).to.deep.equal({ kind: 'run', step: 'order-server', attempt: 2 });
    const waiting = fold([started, stepStarted('order-server', 1), stepDone('order-server'), stepStarted('wait-for-ip', 1)]);
    expect(nextProvisioningAction(waiting, AT + 60, CLAIMS)).to.deep.include({ kind: 'wait', until: AT + 600 });
  });

  it('runs the first step not done, numbering tries (a try cut short by a crash counts)', () => {
    expect(nextProvisioningAction(NOT_STARTED, AT, CLAIMS)).to.deep.equal({ kind: 'idle' });
    expect(nextProvisioningAction(fold([started]), AT, CLAIMS)).to.deep.equal({ kind: 'run', step: 'order-server', attempt: 1 });
    expect(nextProvisioningAction(fold([started, stepStarted('order-server', 1)]), AT + 60, CLAIMS)).to.deep.equal({ kind: 'run', step: 'order-server', attempt: 2 });
    expect(nextProvisioningAction(fold([started, stepStarted('order-server', 1), stepDone('order-server')]), AT, CLAIMS)).to.deep.equal({ kind: 'run', step: 'wait-for-ip', attempt: 1 });
  });

  it('retries a failed step 3 times at growing waits, then delays it with an operator alert', () => {
    let events: DomainEvent[] = [started];
    const retryAts: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      events.push(stepStarted('order-server', attempt));
      const failure = stepFailureEvents(fold(events), 'order-server', attempt, 'provider down', AT * 1000, POLICY, () => 0.5);
      expect(failure.map((e) => e.type)).to.deep.equal(['ProvisioningStepFailed']);
      events = [...events, ...failure];
      const action = nextProvisioningAction(fold(events), AT, CLAIMS);
      expect(action.kind).to.equal('wait');
      retryAts.push((action as { until: number }).until);
    }
    expect(retryAts).to.deep.equal([AT + 8, AT + 15, AT + 30]);
    events.push(stepStarted('order-server', 4));
    const last = stepFailureEvents(fold(events), 'order-server', 4, 'provider down', AT * 1000, POLICY, () => 0.5);
    expect(last.map((e) => e.type)).to.deep.equal(['ProvisioningStepFailed', 'ProvisioningDelayed', 'OperatorAlertRaised']);
    events.push(...last);
    const state = fold(events);
    expect(nextProvisioningAction(state, AT, CLAIMS)).to.deep.equal({ kind: 'wait', until: AT + 3600, delayed: true });
    expect(infrastructureStatus(state)).to.include({ status: 'delayed', step: 'order-server', message: "we're on it", retryAt: AT + 3600 });

    const retried = fold([...events, { type: 'ProvisioningRetryRequested', data: { tenantId: TENANT, at: AT, step: 'order-server', requestedBy: 'test' } }]);
    expect(nextProvisioningAction(retried, AT, CLAIMS)).to.deep.equal({ kind: 'run', step: 'order-server', attempt: 5 });
    expect(retried.failures).to.equal(0);
  });

  it('reports provisioning with its step, and ready with how to reach the server', () => {
    expect(infrastructureStatus(NOT_STARTED)).to.deep.equal({ status: 'not_started' });
    expect(infrastructureStatus(fold([started, stepStarted('order-server', 1), stepDone('order-server')]))).to.deep.include({ status: 'provisioning', step: 'wait-for-ip', simulated: true, stepsDone: ['order-server'] });
    const ready = fold([
      started,
      {
        type: 'ProvisioningReady',
        data: { tenantId: TENANT, at: AT, hostname: 'h.example.com', ip: '192.0.2.1', sshUser: 'tenant', publicKeys: { admin: 'ssh-ed25519 A', tenant: 'ssh-ed25519 T' }, vaultPath: 'tenants/x/ssh', simulated: true },
      },
    ]);
    expect(infrastructureStatus(ready)).to.deep.include({ status: 'ready', ip: '192.0.2.1', vaultPath: 'tenants/x/ssh', simulated: true, readyAt: AT });
    expect(nextProvisioningAction(ready, AT, CLAIMS)).to.deep.equal({ kind: 'idle' });
  });
});
