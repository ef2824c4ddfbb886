import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROVISIONING_STEPS } from '../../domain/events/process-events.ts';
import { infrastructureStatus, type InfrastructureStatus } from '../../domain/provisioning/infrastructure-status.ts';
import type { Ledger } from '../ledger.ts';
import { loadProvisioning } from '../workers/process-manager/provisioning/provisioning-stream.ts';
import { sendError } from './errors.ts';
import { errorResponse } from './openapi.ts';

export type InfrastructureApiDeps = Pick<Ledger, 'store'>;

const step = z.enum(PROVISIONING_STEPS).describe('the provisioning step: order-server, wait-for-ip, dns, ssh-keys, email, mark-ready');
const isoDate = z.iso.datetime();
const simulated = z.boolean().describe('true when the server and DNS come from the local simulator (no provider configured): nothing real exists');

const infrastructureSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('provisioning'),
    hostname: z.string(),
    step,
    retry_at: isoDate.nullable().describe('when a step that failed is tried again; null while it runs'),
    steps_done: z.array(step),
    simulated,
  }),
  z.object({
    status: z.literal('delayed'),
    hostname: z.string(),
    step,
    message: z.string().describe("\"we're on it\": operators were alerted"),
    retry_at: isoDate.nullable().describe('when it is tried again by itself (an operator may retry sooner)'),
    simulated,
  }),
  z.object({
    status: z.literal('ready'),
    hostname: z.string(),
    ip: z.string(),
    ssh_user: z.string(),
    public_keys: z.object({ admin: z.string(), tenant: z.string() }).describe('OpenSSH public keys (authorized_keys lines)'),
    vault_path: z.string().describe('where the private keys are kept (Vault KV v2 path, or the local secret store)'),
    simulated,
    ready_at: isoDate,
  }),
]);

const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString());

function infrastructureJson(status: Exclude<InfrastructureStatus, { status: 'not_started' }>): z.input<typeof infrastructureSchema> {
  switch (status.status) {
    case 'provisioning':
      return { status: 'provisioning', hostname: status.hostname, step: status.step, retry_at: iso(status.retryAt), steps_done: [...status.stepsDone], simulated: status.simulated };
    case 'delayed':
      return { status: 'delayed', hostname: status.hostname, step: status.step, message: status.message, retry_at: iso(status.retryAt), simulated: status.simulated };
    case 'ready':
      return {
        status: 'ready',
        hostname: status.hostname,
        ip: status.ip,
        ssh_user: status.sshUser,
        public_keys: { ...status.publicKeys },
        vault_path: status.vaultPath,
        simulated: status.simulated,
        ready_at: iso(status.readyAt)!,
      };
  }
}

/**
 * The tenant's infrastructure, behind `requireScope('tenant')` (app.ts). Read from the
 * provisioning stream itself rather than a read model: the stream is a few dozen events, and it
 * answers with what the process manager last recorded, with no projection lag between a step and
 * what the tenant sees.
 */
export function registerInfrastructureApi(app: FastifyInstance, deps: InfrastructureApiDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/infrastructure',
    {
      schema: {
        tags: ['infrastructure'],
        security: [{ apiKey: [] }],
        summary: "The tenant's infrastructure: provisioning (with its step), ready (how to reach it) or delayed",
        description: 'Provisioning starts after the first paid checkout or active subscription; before that the answer is 404 with the code not_started.',
        querystring: z.strictObject({}),
        response: { 200: infrastructureSchema, 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse },
      },
    },
    async (request, reply) => {
      const { state } = await loadProvisioning(deps.store, request.tenant!.id);
      const status = infrastructureStatus(state);
      if (status.status === 'not_started') {
        return sendError(reply, 404, 'not_started', 'provisioning has not started: it starts after the first successful payment');
      }
      return infrastructureJson(status);
    },
  );
}
