import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { domainEventSchemas, type DomainEventType } from '../../domain/events/catalogue.ts';
import type { AuditRow } from '../../projections/audit-log/row.ts';
import type { Ledger } from '../ledger.ts';
import { cursorNotFound, errorResponses, isoDate, once, pageQuery } from './billing-api.ts';
import { sendError } from './errors.ts';

export type AuditApiDeps = Pick<Ledger, 'audit'>;

const eventTypes = Object.keys(domainEventSchemas) as [DomainEventType, ...DomainEventType[]];

const auditQuery = pageQuery.extend({
  type: once(z.enum(eventTypes), { type: 'string', enum: eventTypes, description: 'only entries of this domain event type' }).optional(),
});

const auditEntrySchema = z.object({
  id: z.uuid().describe('the event id in the log; the cursor for starting_after'),
  type: z.string().describe('the domain event type'),
  summary: z.string().describe('what happened, in words'),
  occurred_at: isoDate.describe("when it happened: Stripe's created, the request's time, or the process step's"),
  recorded_at: isoDate.describe('when the ledger stored it'),
  stream: z.string(),
  stream_revision: z.number().int(),
  stripe_event_id: z.string().nullable(),
  correlation_id: z.string().nullable().describe('the run or Stripe event this belongs to'),
  causation_id: z.string().nullable().describe('the event id that caused it'),
});

function auditEntryJson(r: AuditRow): z.input<typeof auditEntrySchema> {
  return {
    id: r.event_id,
    type: r.type,
    summary: r.summary,
    occurred_at: r.occurred_at.toISOString(),
    recorded_at: r.recorded_at.toISOString(),
    stream: r.stream,
    stream_revision: Number(r.stream_revision),
    stripe_event_id: r.stripe_event_id,
    correlation_id: r.correlation_id,
    causation_id: r.causation_id,
  };
}

/** GET /api/v1/audit, behind `requireScope('tenant')` (app.ts): the tenant's own trail and nobody else's. */
export function registerAuditApi(app: FastifyInstance, deps: AuditApiDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        security: [{ apiKey: [] }],
        summary: "The tenant's audit trail (billing events, requests and the process manager's steps), newest first",
        querystring: auditQuery,
        response: { 200: z.object({ entries: z.array(auditEntrySchema), has_more: z.boolean() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { limit, starting_after, type } = request.query;
      const page = await deps.audit.page(request.tenant!.id, { limit, startingAfter: starting_after, type });
      if ('cursorNotFound' in page) return sendError(reply, 400, 'invalid_parameter', cursorNotFound('audit entry', starting_after));
      return { entries: page.entries.map(auditEntryJson), has_more: page.hasMore };
    },
  );
}
