import { generateSshKeyPair } from '../../../adapters/ssh-keys/generate-ssh-key-pair.ts';
import type { PlanCatalogue } from '../../../domain/plans/catalogue.ts';
import type { ProcessManagerConfig } from '../../config.ts';
import { createDunningProcess } from './dunning/dunning-process.ts';
import type { ProcessDefinition } from './process.ts';
import { createProvisioningProcess } from './provisioning/provisioning-process.ts';

/** Retries of a failed provisioning step before the process is delayed and operators alerted. */
const PROVISIONING_RETRIES = 3;

/** Every process the process manager drives; a new one is one more entry. */
export interface ProcessSettings {
  readonly processManager: ProcessManagerConfig;
  /** Where a dunning notice sends the tenant to pay when the invoice has no hosted page. */
  readonly appUrl: string;
  readonly plans: PlanCatalogue;
}

export function processDefinitions(settings: ProcessSettings, options: { random?: () => number } = {}): ProcessDefinition[] {
  const config = settings.processManager;
  const planNames = new Map(settings.plans.plans.map((plan) => [plan.stripePriceId, plan.name]));
  return [
    createProvisioningProcess({
      ipWaitMs: config.ipWaitMs,
      retry: { retries: PROVISIONING_RETRIES, baseMs: config.retryBaseMs, maxMs: config.retryBaseMs * 2 ** PROVISIONING_RETRIES, delayedRetryMs: config.delayedRetryMs },
      domain: config.domain,
      generateKeyPair: generateSshKeyPair,
      ...(options.random ? { random: options.random } : {}),
    }),
    createDunningProcess({
      fallbackPaymentUrl: settings.appUrl,
      planNameForPrice: (priceId) => (priceId ? (planNames.get(priceId) ?? null) : null),
    }),
  ];
}
