import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app serves but /openapi.json itself, to check the document covers them all. */
    servedRoutes: readonly { method: string; url: string }[];
  }
}

/** The one error shape of every answer that is not a success, as a schema for the document. */
export const errorResponse = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .describe('{"error": {"code", "message"}}: code is stable, message says what to change');

/**
 * Routes declare their request and response shapes as zod schemas in Fastify's `schema`
 * option: the same schemas validate requests (a 400 naming the field, see errors.ts) and
 * become the OpenAPI 3.1 document at GET /openapi.json, so the document cannot drift from what
 * the server accepts. Register before any route.
 */
export function registerOpenApi(app: FastifyInstance): void {
  const routes: { method: string; url: string }[] = [];
  app.decorate('servedRoutes', routes);
  app.addHook('onRoute', (route) => {
    if (route.schema?.hide) return;
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Stripe billing ledger API',
        version: '1',
        description: 'Billing for tenants, finance and administrators, from an event-sourced ledger of verified Stripe webhooks.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <apiKey>; each key has one scope: tenant, finance or admin' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
