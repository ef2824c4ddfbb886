import type { ProvisioningStep } from '../../../../domain/events/process-events.ts';
import type { EventStore } from '../../../../domain/ports/event-store.ts';
import type { ProvisioningState, StepResult } from '../../../../domain/provisioning/provisioning-state.ts';
import { tenantEmail } from '../tenant-facts.ts';
import type { ProcessPorts } from '../process.ts';

/** The user a tenant logs in as with its key (the admin key is the platform's). */
export const SSH_USER = 'tenant';

export interface SshKeyPair {
  readonly publicKey: string;
  readonly privateKey: string;
}

export interface StepEnvironment {
  readonly ports: ProcessPorts;
  readonly store: EventStore;
  readonly generateKeyPair: (comment: string) => Promise<SshKeyPair> | SshKeyPair;
}

/** A step's outcome: done with what it found, or (waiting for the IP) to be looked at again. */
export type StepRun = { readonly kind: 'done'; readonly result: StepResult; readonly simulated: boolean } | { readonly kind: 'not-yet' };

export const secretPath = (tenantId: string) => `tenants/${tenantId}/ssh`;

const text = (value: unknown) => (typeof value === 'string' ? value : String(value));

/**
 * Runs one try of a step. Each is safe to repeat after a crash: the VPS order is looked up by
 * its reference, DNS records are upserts, keys already stored are kept, the email carries an
 * idempotency key. Throws when the step failed.
 */
export async function runStep(step: ProvisioningStep, state: ProvisioningState, env: StepEnvironment): Promise<StepRun> {
  const tenantId = state.tenantId!;
  const hostname = state.hostname!;
  const { vps, dns, mailer } = env.ports;
  const result = (name: ProvisioningStep) => state.done[name]?.result ?? {};
  switch (step) {
    case 'order-server': {
      const server = await vps.orderServer({ reference: `provisioning-${tenantId}`, hostname });
      return { kind: 'done', result: { orderId: server.orderId, serverId: server.serverId, provider: vps.name }, simulated: vps.simulated };
    }
    case 'wait-for-ip': {
      const server = await vps.getServer(text(result('order-server').serverId));
      if (server.publicIp === null) return { kind: 'not-yet' };
      return { kind: 'done', result: { ip: server.publicIp, status: server.status }, simulated: vps.simulated };
    }
    case 'dns': {
      const ip = text(result('wait-for-ip').ip);
      await dns.upsertARecord({ hostname, ip });
      await vps.setReverseDns({ serverId: text(result('order-server').serverId), ip, hostname });
      return { kind: 'done', result: { aRecord: `${hostname} A ${ip}`, ptrRecord: `${ip} PTR ${hostname}`, dnsProvider: dns.name }, simulated: dns.simulated || vps.simulated };
    }
    case 'ssh-keys':
      return { kind: 'done', result: await storeKeys(tenantId, hostname, env), simulated: false };
    case 'email': {
      const ssh = result('ssh-keys');
      const to = await tenantEmail(env.store, tenantId);
      if (!to) throw new Error('no email address known for the tenant (no customer email in its stream yet)');
      const sent = await mailer.send({
        to,
        subject: 'Your infrastructure is ready',
        text: [
          `Your server ${hostname} is ready.`,
          `IP address: ${text(result('wait-for-ip').ip)}`,
          `SSH user: ${SSH_USER}`,
          `Your public key: ${text(ssh.tenantPublicKey)}`,
          `Your private key is kept at ${text(ssh.vaultPath)}.`,
        ].join('\n'),
        idempotencyKey: `provisioning-ready:${tenantId}`,
        tenantId,
      });
      return { kind: 'done', result: { messageId: sent.messageId, mailer: mailer.kind }, simulated: false };
    }
    case 'mark-ready':
      return { kind: 'done', result: {}, simulated: false };
  }
}

const KEY_FIELDS = ['adminPublicKey', 'adminPrivateKey', 'tenantPublicKey', 'tenantPrivateKey'] as const;

/** The public keys of a stored secret holding both pairs; throws (naming only what is missing) for any other. */
function storedKeys(path: string, stored: Readonly<Record<string, string>>): { adminPublicKey: string; tenantPublicKey: string } {
  const missing = KEY_FIELDS.filter((field) => !stored[field]);
  if (missing.length) throw new Error(`the secret at ${path} lacks ${missing.join(', ')}; it is left as it is (it may hold keys in use): an operator must complete or remove it`);
  return { adminPublicKey: stored.adminPublicKey!, tenantPublicKey: stored.tenantPublicKey! };
}

/**
 * Keys already at the tenant's path (a try that stored them and crashed before recording it)
 * are kept; otherwise two pairs are generated and stored, create-only: another instance that
 * found the path empty too may have stored its own pairs meanwhile, and those are the ones kept
 * and answered (the ones it generated are dropped), so the public keys recorded always match
 * the private keys stored. Only the path and public keys leave.
 */
async function storeKeys(tenantId: string, hostname: string, env: StepEnvironment): Promise<StepResult> {
  const path = secretPath(tenantId);
  const secretStore = env.ports.secrets.kind;
  // Recorded as the store names it, whichever way the keys were found or stored.
  const vaultPath = env.ports.secrets.location(path);
  const existing = await env.ports.secrets.read(path);
  if (existing) return { vaultPath, ...storedKeys(path, existing), secretStore };
  const admin = await env.generateKeyPair(`admin@${hostname}`);
  const tenant = await env.generateKeyPair(`${SSH_USER}@${hostname}`);
  const stored = await env.ports.secrets.create(path, {
    adminPublicKey: admin.publicKey,
    adminPrivateKey: admin.privateKey,
    tenantPublicKey: tenant.publicKey,
    tenantPrivateKey: tenant.privateKey,
  });
  if (!stored.created) return { vaultPath, ...storedKeys(path, stored.existing), secretStore };
  return { vaultPath, adminPublicKey: admin.publicKey, tenantPublicKey: tenant.publicKey, secretStore };
}
