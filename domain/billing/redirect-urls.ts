/**
 * Where Stripe's hosted pages may send a tenant's user back to. Only origins we configured are
 * accepted, so the API cannot be used as an open redirect to someone else's site.
 */
export type RedirectCheck = { ok: true; url: string } | { ok: false; problem: string };

export function checkRedirectUrl(value: string, allowedOrigins: readonly string[]): RedirectCheck {
  if (!URL.canParse(value)) return { ok: false, problem: 'must be an absolute http(s) URL' };
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, problem: 'must be an absolute http(s) URL' };
  if (!allowedOrigins.includes(url.origin)) {
    return { ok: false, problem: `origin ${url.origin} is not allowed (allowed: ${allowedOrigins.join(', ')})` };
  }
  return { ok: true, url: value };
}

export const CHECKOUT_SESSION_PLACEHOLDER = '{CHECKOUT_SESSION_ID}';

/**
 * The success URL with Stripe's `{CHECKOUT_SESSION_ID}` placeholder, added as `session_id` when
 * the caller did not place it. Built as text: URL serialisation would percent-encode the braces,
 * and Stripe substitutes only the literal placeholder.
 */
export function withCheckoutSessionPlaceholder(successUrl: string): string {
  if (successUrl.includes(CHECKOUT_SESSION_PLACEHOLDER)) return successUrl;
  const hashAt = successUrl.indexOf('#');
  const [base, fragment] = hashAt === -1 ? [successUrl, ''] : [successUrl.slice(0, hashAt), successUrl.slice(hashAt)];
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}session_id=${CHECKOUT_SESSION_PLACEHOLDER}${fragment}`;
}
