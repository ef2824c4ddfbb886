import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { currencyExponent } from '../../domain/money.ts';

const ASSETS = join(import.meta.dirname, 'finance-dashboard');

/**
 * The page runs with a finance key in its session storage, so nothing but its own files may run
 * in it, and no other site may frame it. Inline SVG attributes are not styles; blob: is the CSV.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

const FILES = [
  { url: '/finance', file: 'index.html', type: 'text/html; charset=utf-8', summary: 'The finance dashboard (HTML)' },
  { url: '/finance/dashboard.js', file: 'dashboard.js', type: 'text/javascript; charset=utf-8', summary: "The finance dashboard's script" },
  { url: '/finance/dashboard.css', file: 'dashboard.css', type: 'text/css; charset=utf-8', summary: "The finance dashboard's styles" },
] as const;

/**
 * GET /finance: a read-only page for finance, plain files with no build step. The page itself
 * needs no key (it holds no data); it asks for a finance key once, keeps it in sessionStorage for
 * the tab's life, and calls /api/v1/finance/* with it.
 */
export function registerFinanceDashboard(app: FastifyInstance): void {
  for (const { url, file, type, summary } of FILES) {
    // Read once: the files ship with the package and are small.
    const body = file === 'index.html' ? renderShell(readFileSync(join(ASSETS, file), 'utf8')) : readFileSync(join(ASSETS, file));
    app.get(url, {
      schema: {
        tags: ['finance'],
        summary,
        description: 'Static, no key needed; the page asks for a finance key and calls the finance API with it.',
        response: { 200: { description: summary, content: { [type.split(';')[0]!]: { schema: z.string() } } } },
      },
    }, async (_request, reply) => reply.headers(SECURITY_HEADERS).type(type).send(body));
  }
}

/** The page formats minor units by the ledger's own exponents, not the browser's idea of them. */
function renderShell(html: string): string {
  const exponents: Record<string, number> = {};
  for (const code of Intl.supportedValuesOf('currency')) {
    const exponent = currencyExponent(code);
    if (exponent !== 2) exponents[code] = exponent;
  }
  return html.replace('<!--currency-exponents-->', JSON.stringify(exponents).replaceAll('<', '\\u003c'));
}
