import { z } from 'zod';
import { once } from './billing-api.ts';

/** Query parameters every finance list shares, and how a client asks for CSV. */

export const text = (description: string) => ({ type: 'string', description });

export const digits = (what: string) => z.string().regex(/^[0-9]+$/, `must be ${what} in plain decimal digits`);

export const financeQueryFields = {
  tenant_id: once(z.uuid(), { ...text('only this tenant'), format: 'uuid' }).optional(),
  currency: once(z.string().regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO 4217 code').transform((c) => c.toUpperCase()), text('ISO 4217 code, any case')).optional(),
  livemode: once(z.enum(['true', 'false']).transform((v) => v === 'true'), text('true: live mode only; false: test mode only')).optional(),
  limit: once(
    z
      .string()
      .refine((t) => /^[0-9]+$/.test(t) && Number(t) >= 1 && Number(t) <= 1000, 'must be a whole number from 1 to 1000')
      .transform(Number),
    { type: 'string', pattern: '^[0-9]+$', description: 'page size, 1 to 1000 (default 100); JSON only' },
  ).default(100),
  cursor: once(z.string().min(1), text("the previous page's nextCursor; JSON only")).optional(),
  format: once(z.enum(['json', 'csv']), text('csv: every matching row as CSV, streamed (as does Accept: text/csv)')).optional(),
};

/** An ISO 8601 instant with its offset, documented as `description`. */
export const instantParameter = (description: string) => once(z.iso.datetime({ offset: true }), { ...text(description), format: 'date-time' }).optional();

/** A comma-separated list of `values`. */
export const listParameter = <T extends readonly [string, ...string[]]>(values: T, description: string) =>
  once(z.string().transform((list) => list.split(',')).pipe(z.array(z.enum(values))), text(description)).optional();

export const INVALID_CURSOR = 'invalid query parameter cursor: not a cursor this API issued (pass nextCursor unchanged, with the same sort)';

/** CSV when asked by format=csv, or by an Accept header naming text/csv and no format=json. */
export function wantsCsv(format: 'json' | 'csv' | undefined, accept: string | undefined): boolean {
  if (format) return format === 'csv';
  return /(^|,)\s*text\/csv/i.test(accept ?? '');
}
