import { generateSshKeyPair } from '../../../adapters/ssh-keys/generate-ssh-key-pair.ts';
import type { ProcessManagerConfig } from '../../config.ts';
import type { ProcessDefinition } from './process.ts';
import { createProvisioningProcess } from './provisioning/provisioning-process.ts';

/** Retries of a failed provisioning step before the process is delayed and operators alerted. */
const PROVISIONING_RETRIES = 3;

/** Every process the process manager drives; a new one is one more entry. */
export function processDefinitions(config: ProcessManagerConfig, options: { random?: () => number } = {}): ProcessDefinition[] {
  return [
    createProvisioningProcess({
      ipWaitMs: config.ipWaitMs,
      retry: { retries: PROVISIONING_RETRIES, baseMs: config.retryBaseMs, maxMs: config.retryBaseMs * 2 ** PROVISIONING_RETRIES, delayedRetryMs: config.delayedRetryMs },
      domain: config.domain,
      generateKeyPair: generateSshKeyPair,
      ...(options.random ? { random: options.random } : {}),
    }),
  ];
}
