/**
 * The Stripe API version every outgoing call is pinned to: the one stripe@23 is typed for, so the
 * objects it returns have the shape its types describe (a subscription's period on its items).
 * Changing it is a deliberate upgrade, never a side effect of updating the library.
 */
export const STRIPE_API_VERSION = '2026-10-28.endive';
