import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { fixtureEvent } from '../../support/stripe-fixtures.ts';
import { createTestClock, type TestClock } from '../../support/test-clock.ts';
import { startTestLedger, type TestLedger } from '../../support/test-ledger.ts';
import { capturingLogger } from '../../support/log-capture.ts';
import { infrastructureStatus, type InfrastructureStatus } from '../../../domain/provisioning/infrastructure-status.ts';
import type { ProvisioningState } from '../../../domain/provisioning/provisioning-state.ts';
import { openProcessPorts } from '../../../src/process-ports.ts';
import type { ProcessPorts } from '../../../src/workers/process-manager/process.ts';
import type { RunningProcessManager } from '../../../src/workers/process-manager/process-manager-runner.ts';
import { processDefinitions } from '../../../src/workers/process-manager/processes.ts';
import { loadProvisioning } from '../../../src/workers/process-manager/provisioning/provisioning-stream.ts';
import { startProcessManager } from '../../../src/workers/process-manager/start-process-manager.ts';

/**
 * Port calls a test may make fail: the next `n` calls throw, as a provider that is down would.
 * `read` and `write` are the secret store's (`write` counts every store of a secret).
 */
export type PortCall = 'orderServer' | 'getServer' | 'setReverseDns' | 'upsertARecord' | 'read' | 'write' | 'send';

export interface ProvisioningHarness {
  readonly t: TestLedger;
  readonly clock: TestClock;
  /** Calls made to each port method (failed ones included). */
  readonly calls: Map<PortCall, number>;
  readonly alerts: { tenantId: string; summary: string }[];
  /** The ports the process manager drives (the stand-ins, counted). */
  readonly ports: ProcessPorts;
  /** Makes the next `times` calls of `call` fail. */
  failNext(call: PortCall, times: number): void;
  /**
   * Holds the next call of `call` before or after the port acts, until released; released with
   * an error, the call throws it (the instance died there: nothing it does after counts).
   */
  hold(call: PortCall, when: 'before' | 'after'): { reached: Promise<void>; release(error?: Error): void };
  /** A tenant with a key, and its checkout.session.completed delivered. */
  checkout(options?: { tenantId?: string; eventId?: string }): Promise<{ tenantId: string; apiKey: string }>;
  /** Another process manager on the same store (a second instance, or one after a restart). */
  startRunner(options?: { withoutLease?: boolean }): RunningProcessManager;
  readonly runner: RunningProcessManager;
  /** Servers the simulator holds for the tenant. */
  servers(tenantId: string): Promise<number>;
  /** Stops the running process manager (a crash between steps, as far as the log is concerned). */
  stopRunner(): Promise<void>;
  /** Advances the clock `stepMs` at a time (and wakes the runners) until `done` holds. */
  until(tenantId: string, done: (status: InfrastructureStatus, state: ProvisioningState) => boolean, options?: { stepMs?: number }): Promise<InfrastructureStatus>;
  close(): Promise<void>;
}

/** A test ledger for process-manager suites (one per suite: it is slow to start). */
export function startProcessManagerLedger(env: NodeJS.ProcessEnv = {}): Promise<TestLedger> {
  return startTestLedger({ PROVISIONING_RETRY_BASE_MS: '1000', PROVISIONING_DELAYED_RETRY_MS: '3600000', PROCESS_MANAGER_POLL_MS: '25', ...env });
}

/** A process manager on `t` with its own clock and counted stand-in ports; close() stops them, not `t`. */
export async function startProvisioningHarness(t: TestLedger, options: { ipAfterPolls?: number; ipWaitMs?: number } = {}): Promise<ProvisioningHarness> {
  const clock = createTestClock(new Date());
  const { logger } = capturingLogger('warn');
  const standIns = openProcessPorts(t.ledger.config, {
    db: t.ledger.database.db,
    dataDir: t.ledger.config.dataDir,
    logger,
    simulator: { ipAfterPolls: options.ipAfterPolls ?? 1, now: () => clock.now() },
  });
  const calls = new Map<PortCall, number>();
  const failing = new Map<PortCall, number>();
  const alerts: { tenantId: string; summary: string }[] = [];
  const holds = new Map<PortCall, { when: 'before' | 'after'; reached: () => void; released: Promise<void> }>();
  const call = async <T>(name: PortCall, run: () => Promise<T>): Promise<T> => {
    calls.set(name, (calls.get(name) ?? 0) + 1);
    const left = failing.get(name) ?? 0;
    if (left > 0) {
      failing.set(name, left - 1);
      throw new Error(`${name}: 503 service unavailable`);
    }
    const held = holds.get(name);
    holds.delete(name);
    if (held?.when === 'before') {
      held.reached();
      await held.released;
    }
    const result = await run();
    if (held?.when === 'after') {
      held.reached();
      await held.released;
    }
    return result;
  };
  const ports: ProcessPorts = {
    vps: {
      name: standIns.vps.name,
      simulated: standIns.vps.simulated,
      orderServer: (request) => call('orderServer', () => standIns.vps.orderServer(request)),
      getServer: (id) => call('getServer', () => standIns.vps.getServer(id)),
      setReverseDns: (request) => call('setReverseDns', () => standIns.vps.setReverseDns(request)),
    },
    dns: { name: standIns.dns.name, simulated: standIns.dns.simulated, upsertARecord: (request) => call('upsertARecord', () => standIns.dns.upsertARecord(request)) },
    secrets: {
      kind: standIns.secrets.kind,
      write: (path, data) => call('write', () => standIns.secrets.write(path, data)),
      create: (path, data) => call('write', () => standIns.secrets.create(path, data)),
      read: (path) => call('read', () => standIns.secrets.read(path)),
      location: (path) => standIns.secrets.location(path),
    },
    mailer: { kind: standIns.mailer.kind, send: (message) => call('send', () => standIns.mailer.send(message)) },
    alerts: {
      async raise(alert) {
        alerts.push({ tenantId: alert.tenantId, summary: alert.summary });
        await standIns.alerts.raise(alert);
      },
    },
  };
  const runners = new Set<RunningProcessManager>();
  const startRunner = (o: { withoutLease?: boolean } = {}) => {
    const processes = processDefinitions(
      { processManager: { ...t.ledger.config.processManager, ipWaitMs: options.ipWaitMs ?? 5_000 }, appUrl: t.ledger.config.appUrl, plans: t.ledger.plans },
      { random: () => 0.5 },
    );
    const runner = startProcessManager(t.ledger, logger, { clock, ports, processes, ...(o.withoutLease ? { leases: null } : {}) });
    runners.add(runner);
    return runner;
  };
  let runner = startRunner();
  let n = 0;
  return {
    t,
    clock,
    calls,
    alerts,
    ports,
    failNext: (name, times) => failing.set(name, times),
    hold(name, when) {
      let reached!: () => void;
      let release!: (error?: Error) => void;
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      const released = new Promise<void>((resolve, reject) => (release = (error) => (error ? reject(error) : resolve())));
      holds.set(name, { when, reached, released });
      return { reached: reachedPromise, release };
    },
    get runner() {
      return runner;
    },
    startRunner(o) {
      runner = startRunner(o);
      return runner;
    },
    async servers(tenantId) {
      const rows = await sql<{ n: string }>`select count(*) as n from simulated_servers where hostname like ${`${tenantId}.%`}`.execute(t.ledger.database.db);
      return Number(rows.rows[0]!.n);
    },
    async stopRunner() {
      await runner.stop();
      runners.delete(runner);
    },
    async checkout(o = {}) {
      const { tenant, apiKey } = await t.ledger.tenants.create('Acme');
      const tenantId = o.tenantId ?? tenant.id;
      const event = fixtureEvent(
        'current',
        'checkout.session.completed',
        'checkout.session',
        { client_reference_id: tenantId, customer: `cus_${n}`, payment_status: 'paid', mode: 'subscription', metadata: { tenant_id: tenantId } },
        { id: o.eventId ?? `evt_pm_checkout_${Date.now()}_${n++}` },
      );
      const delivered = await t.deliver(event);
      if (delivered.status !== 200) throw new Error(`checkout not delivered: ${JSON.stringify(delivered.json)}`);
      return { tenantId, apiKey };
    },
    async until(tenantId, done, o = {}) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { state } = await loadProvisioning(t.ledger.store, tenantId);
        const status = infrastructureStatus(state);
        if (done(status, state)) return status;
        if (Date.now() > deadline) throw new Error(`provisioning never got there; it is at ${JSON.stringify(status)}`);
        for (const r of runners) r.wake();
        await sleep(20);
        clock.advance(o.stepMs ?? 500);
      }
    },
    async close() {
      for (const r of runners) await r.stop();
      await standIns.close();
    },
  };
}
