import type { DomainEvent } from '../../../../domain/events/catalogue.ts';
import type { ProvisioningReadyData, ProvisioningStep } from '../../../../domain/events/process-events.ts';
import { WrongExpectedRevisionError } from '../../../../domain/ports/event-store.ts';
import { nextProvisioningAction } from '../../../../domain/provisioning/next-step.ts';
import type { ProvisioningState } from '../../../../domain/provisioning/provisioning-state.ts';
import { stepFailureEvents } from '../../../../domain/provisioning/step-failure.ts';
import { describeError } from '../../../describe-error.ts';
import type { ProcessContext } from '../process.ts';
import type { ProvisioningOptions } from './provisioning-process.ts';
import { runStep, SSH_USER } from './provisioning-steps.ts';
import { loadProvisioning, recordProvisioning } from './provisioning-stream.ts';

/** A wait for the server's IP in progress in this instance: the try it belongs to and when it began. */
interface IpWait {
  readonly attempt: number;
  readonly startedMs: number;
  /** When the provider is asked again: polls keep their backoff however often the tenant is looked at. */
  nextPollMs: number;
}

export interface Drive {
  readonly options: ProvisioningOptions;
  readonly ipWaits: Map<string, IpWait>;
}

const MAX_POLL_MS = 30_000;
/** A try left unfinished this long was cut short (its instance crashed): another may take the step over. */
const DEFAULT_CLAIM_MS = 60_000;

/**
 * Runs a tenant's provisioning as far as it can go now: each step is claimed (StepStarted, with
 * the exact revision read) before it acts and recorded (done or failed) after, so an instance
 * with a stale view loses the append and acts no further. Returns when it is next due (ms), null
 * when it waits for an operator, 'finished' when ready.
 */
export async function driveProvisioning(drive: Drive, tenantId: string, context: ProcessContext): Promise<number | null | 'finished'> {
  const { clock, logger } = context;
  const log = logger.child({ tenantId, process: 'provisioning' });
  try {
    let loaded = await loadProvisioning(context.store, tenantId);
    for (;;) {
      const nowMs = clock.now().getTime();
      const { state } = loaded;
      const wait = drive.ipWaits.get(tenantId);
      let step: ProvisioningStep;
      let attempt: number;
      if (state.active?.step === 'wait-for-ip' && wait?.attempt === state.active.attempt) {
        // This instance's own wait for the IP: poll again when due, no new try.
        if (nowMs < wait.nextPollMs) return wait.nextPollMs;
        ({ step, attempt } = state.active);
      } else {
        const action = nextProvisioningAction(state, Math.floor(nowMs / 1000), { stepMs: drive.options.claimMs ?? DEFAULT_CLAIM_MS, ipWaitMs: drive.options.ipWaitMs });
        if (action.kind === 'idle') return state.ready ? 'finished' : null;
        if (action.kind === 'wait') return action.until === null ? null : action.until * 1000;
        ({ step, attempt } = action);
        loaded = await recordProvisioning(context.store, loaded, [{ type: 'ProvisioningStepStarted', data: { tenantId, at: seconds(nowMs), step, attempt } }]);
        if (step === 'wait-for-ip') drive.ipWaits.set(tenantId, { attempt, startedMs: nowMs, nextPollMs: nowMs });
        log.info({ step, attempt }, 'provisioning step started');
      }
      let events: DomainEvent[];
      try {
        const run = await runStep(step, loaded.state, { ports: context.ports, store: context.store, generateKeyPair: drive.options.generateKeyPair });
        if (run.kind === 'not-yet') {
          const current = drive.ipWaits.get(tenantId)!;
          const waited = clock.now().getTime() - current.startedMs;
          if (waited >= drive.options.ipWaitMs) throw new Error(`the server had no public IP after ${drive.options.ipWaitMs} ms`);
          current.nextPollMs = nextPoll(current.startedMs, waited, drive.options.ipWaitMs);
          return current.nextPollMs;
        }
        events = [{ type: 'ProvisioningStepDone', data: { tenantId, at: seconds(nowMs), step, attempt, result: run.result, simulated: run.simulated } }];
        if (step === 'mark-ready') events.push({ type: 'ProvisioningReady', data: readyData(loaded.state, seconds(nowMs)) });
        drive.ipWaits.delete(tenantId);
        loaded = await recordProvisioning(context.store, loaded, events);
        log.info({ step, attempt, simulated: run.simulated }, run.simulated ? 'provisioning step done (simulated)' : 'provisioning step done');
        if (loaded.state.ready) log.info({ hostname: loaded.state.ready.hostname, simulated: loaded.state.ready.simulated }, 'provisioning ready');
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) throw error;
        drive.ipWaits.delete(tenantId);
        const message = describeError(error).message;
        const random = drive.options.random ?? Math.random;
        events = stepFailureEvents(loaded.state, step, attempt, message, clock.now().getTime(), drive.options.retry, random);
        const alert = events.find((e) => e.type === 'OperatorAlertRaised');
        if (alert?.type === 'OperatorAlertRaised') {
          // The operator is told before the delay is recorded: a crash in between repeats the
          // alert when the step is tried again, where the other order would lose it for good.
          log.error({ step, attempt, error: message }, 'provisioning delayed: retries exhausted; operator alert raised (`ledger provisioning retry` resumes it)');
          await context.ports.alerts
            .raise({ tenantId, process: 'provisioning', summary: alert.data.summary, detail: { step, attempt, error: message } })
            .catch((raiseError: unknown) => log.error({ err: raiseError }, 'the operator alert could not be delivered (the alert event is recorded)'));
        } else {
          log.warn({ step, attempt, error: message }, 'provisioning step failed; it will be retried');
        }
        loaded = await recordProvisioning(context.store, loaded, events);
      }
    }
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    // Another instance recorded first: it drives this tenant; its events bring the tenant back here if it stops.
    drive.ipWaits.delete(tenantId);
    log.warn({ stream: error.stream }, 'another instance recorded a provisioning step first; leaving the tenant to it');
    return null;
  }
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** Polls back off as the wait grows (after 1 s, 2 s, 4 s, ...), the last one at the limit. */
function nextPoll(startedMs: number, waited: number, limitMs: number): number {
  const minPoll = Math.max(1, Math.min(1000, Math.floor(limitMs / 20)));
  const delay = Math.min(MAX_POLL_MS, Math.max(minPoll, waited));
  return Math.min(startedMs + waited + delay, startedMs + limitMs);
}

function readyData(state: ProvisioningState, at: number): ProvisioningReadyData {
  const result = (step: keyof ProvisioningState['done']) => state.done[step]?.result ?? {};
  const ssh = result('ssh-keys');
  return {
    tenantId: state.tenantId!,
    at,
    hostname: state.hostname!,
    ip: String(result('wait-for-ip').ip),
    sshUser: SSH_USER,
    publicKeys: { admin: String(ssh.adminPublicKey), tenant: String(ssh.tenantPublicKey) },
    vaultPath: String(ssh.vaultPath),
    simulated: Object.values(state.done).some((outcome) => outcome.simulated),
  };
}
