import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnknownTenantError, type ApiKeyRecord, type ApiKeyRepository } from '../../adapters/db/api-key-repository.ts';
import type { Tenant, TenantRepository } from '../../adapters/db/tenant-repository.ts';
import { API_KEY_SCOPES, scopeOwnerProblem } from '../../domain/tenants/api-key.ts';
import { requireScope } from './auth.ts';
import { sendError } from './errors.ts';
import { errorResponse } from './openapi.ts';

export interface AdminApiDeps {
  readonly tenants: Pick<TenantRepository, 'create' | 'list'>;
  readonly apiKeys: Pick<ApiKeyRepository, 'issue' | 'list' | 'revoke'>;
}

const timestamp = z.string().describe('ISO 8601');

const tenantJson = z.object({ id: z.uuid(), name: z.string(), created_at: timestamp });

const keyJson = z
  .object({
    id: z.uuid(),
    scope: z.enum(API_KEY_SCOPES),
    tenant_id: z.uuid().nullable().describe('the tenant of a tenant key; null for finance and admin keys'),
    name: z.string().nullable(),
    prefix: z.string().describe('the first characters of the key, to recognise it; the key itself is never shown again'),
    created_at: timestamp,
    revoked_at: timestamp.nullable(),
  })
  .describe('an API key, without its secret');

const secret = z.string().describe('the key itself, shown only in this answer: send it as "Authorization: Bearer <api_key>"');

const scopeField = z.enum(API_KEY_SCOPES).describe('tenant: one tenant\'s billing; finance: every tenant\'s figures; admin: tenants and keys');

const newKeyBody = z
  .strictObject({
    scope: scopeField,
    tenant_id: z.uuid().optional().describe('required for a tenant key, refused for the others'),
    name: z.string().trim().min(1).max(200).optional().describe('a label, e.g. who or what uses the key'),
  })
  .superRefine((body, context) => {
    const problem = scopeOwnerProblem(body.scope, body.tenant_id, 'tenant_id');
    if (problem) context.addIssue({ code: 'custom', path: ['tenant_id'], message: problem });
  });

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse };

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function tenantToJson(tenant: Tenant) {
  return { id: tenant.id, name: tenant.name, created_at: tenant.createdAt.toISOString() };
}

function keyToJson(key: ApiKeyRecord) {
  return {
    id: key.id,
    scope: key.scope,
    tenant_id: key.tenantId,
    name: key.name,
    prefix: key.prefix,
    created_at: key.createdAt.toISOString(),
    revoked_at: iso(key.revokedAt),
  };
}

/** Tenants and API keys, for admin keys only. */
export function registerAdminApi(app: FastifyInstance, deps: AdminApiDeps): void {
  void app.register(async (plugin) => {
    plugin.addHook('onRequest', requireScope('admin'));
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    const common = { tags: ['admin'], security: [{ apiKey: [] }] };

    scope.post(
      '/api/v1/admin/tenants',
      {
        schema: {
          ...common,
          summary: 'Create a tenant and its first tenant key',
          body: z.strictObject({ name: z.string().trim().min(1).max(200) }),
          response: { 201: z.object({ tenant: tenantJson, api_key: secret, key: keyJson }), ...errors },
        },
      },
      async (request, reply) => {
        const created = await deps.tenants.create(request.body.name);
        return reply.code(201).send({ tenant: tenantToJson(created.tenant), api_key: created.apiKey, key: keyToJson(created.key) });
      },
    );

    scope.get(
      '/api/v1/admin/tenants',
      {
        schema: {
          ...common,
          summary: 'List tenants, oldest first',
          querystring: z.strictObject({}),
          response: { 200: z.object({ tenants: z.array(tenantJson) }), ...errors },
        },
      },
      async () => ({ tenants: (await deps.tenants.list()).map(tenantToJson) }),
    );

    scope.post(
      '/api/v1/admin/keys',
      {
        schema: {
          ...common,
          summary: 'Issue an API key',
          body: newKeyBody,
          response: { 201: z.object({ api_key: secret, key: keyJson }), ...errors },
        },
      },
      async (request, reply) => {
        const { scope: keyScope, tenant_id, name } = request.body;
        try {
          const issued = await deps.apiKeys.issue({ scope: keyScope, tenantId: tenant_id, name });
          return reply.code(201).send({ api_key: issued.secret, key: keyToJson(issued.key) });
        } catch (error) {
          if (error instanceof UnknownTenantError) return sendError(reply, 400, 'invalid_parameter', `invalid field tenant_id: no tenant ${tenant_id}`);
          throw error;
        }
      },
    );

    scope.get(
      '/api/v1/admin/keys',
      {
        schema: {
          ...common,
          summary: 'List API keys (never their secret), oldest first, revoked ones included',
          querystring: z.strictObject({ tenant_id: z.uuid().optional(), scope: scopeField.optional() }),
          response: { 200: z.object({ keys: z.array(keyJson) }), ...errors },
        },
      },
      async (request) => {
        const keys = await deps.apiKeys.list({ tenantId: request.query.tenant_id, scope: request.query.scope });
        return { keys: keys.map(keyToJson) };
      },
    );

    scope.delete(
      '/api/v1/admin/keys/:id',
      {
        schema: {
          ...common,
          summary: 'Revoke an API key, from its next request on',
          description:
            'Revoking a revoked key changes nothing. The last admin key in use cannot be revoked here (409): issue another admin key first, or use `ledger keys revoke`.',
          params: z.strictObject({ id: z.uuid() }),
          response: { 200: z.object({ key: keyJson }), 404: errorResponse, 409: errorResponse, ...errors },
        },
      },
      async (request, reply) => {
        const result = await deps.apiKeys.revoke(request.params.id, { keepAnAdminKey: true });
        if (result.status === 'not_found') return sendError(reply, 404, 'not_found', `no API key ${request.params.id}`);
        if (result.status === 'last_admin_key') {
          return sendError(
            reply,
            409,
            'last_admin_key',
            'this is the last admin key in use: revoking it would leave no key for the admin API; issue another admin key first (POST /api/v1/admin/keys), or revoke it with `ledger keys revoke`',
          );
        }
        return { key: keyToJson(result.key) };
      },
    );
  });
}
