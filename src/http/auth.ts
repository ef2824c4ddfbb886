import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ApiKeyRepository } from '../../adapters/db/api-key-repository.ts';
import type { Tenant } from '../../adapters/db/tenant-repository.ts';
import type { ApiKeyScope } from '../../domain/tenants/api-key.ts';
import { sendError } from './errors.ts';

/** The key a request was authenticated with. */
export interface RequestApiKey {
  readonly id: string;
  readonly scope: ApiKeyScope;
  readonly tenantId: string | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    apiKeys: Pick<ApiKeyRepository, 'verify'>;
  }
  interface FastifyRequest {
    apiKey?: RequestApiKey;
    /** Set for a tenant key: the tenant whose data the request may see. */
    tenant?: Tenant;
  }
}

/** Where keys are checked; call once on the root app, before the routes that require a scope. */
export function registerAuth(app: FastifyInstance, keys: Pick<ApiKeyRepository, 'verify'>): void {
  app.decorate('apiKeys', keys);
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * An onRequest hook refusing every request but one made with an unrevoked key of one of `scopes`:
 * 401 without a usable key, 403 naming the scope needed for a key of another. Keys are checked
 * against the database on every request (no cache), so a revocation holds from the next request.
 * Use it on a plugin (`scope.addHook('onRequest', requireScope('tenant'))`) or a route's
 * `onRequest` option.
 */
export function requireScope(...scopes: [ApiKeyScope, ...ApiKeyScope[]]): onRequestAsyncHookHandler {
  return async function (request: FastifyRequest, reply: FastifyReply) {
    if (!request.apiKey && !(await authenticate(request, reply))) return;
    const key = request.apiKey!;
    if (!scopes.includes(key.scope)) {
      await sendError(reply, 403, 'forbidden', `this endpoint needs a key with the ${scopes.join(' or ')} scope; this key has the ${key.scope} scope`);
    }
  };
}

/** Sets request.apiKey (and request.tenant) and returns true, or answers 401 and returns false. */
async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const match = BEARER.exec(request.headers.authorization ?? '');
  if (!match) {
    await sendError(reply, 401, 'unauthorized', 'send your API key as "Authorization: Bearer <apiKey>"');
    return false;
  }
  const verified = await request.server.apiKeys.verify(match[1]!);
  if (verified.status !== 'valid') {
    await sendError(reply, 401, 'unauthorized', verified.status === 'revoked' ? 'this API key has been revoked' : 'unknown API key');
    return false;
  }
  const { id, scope, tenantId } = verified.key;
  request.apiKey = { id, scope, tenantId };
  if (verified.tenant) request.tenant = verified.tenant;
  return true;
}
