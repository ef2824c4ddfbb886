import { z } from 'zod';

// ISO 4217 minor units; every currency not listed here has two.
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

const ISO_CODE = /^[A-Za-z]{3}$/;

/** Stripe sends currencies lower-case; the ledger stores the ISO code upper-case. */
export function normaliseCurrency(stripeCurrency: string): string {
  if (!ISO_CODE.test(stripeCurrency)) {
    throw new Error(`invalid currency ${JSON.stringify(stripeCurrency)}: expected a 3-letter ISO 4217 code`);
  }
  return stripeCurrency.toUpperCase();
}

export function currencyExponent(code: string): number {
  const currency = normaliseCurrency(code);
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

/** Exact decimal string of an amount in minor units, e.g. 14900 USD → "149.00"; no float arithmetic. */
export function formatMinor(amountMinor: bigint | number, currency: string): string {
  const exponent = currencyExponent(currency);
  const amount = toBigInt(amountMinor);
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

function toBigInt(amountMinor: bigint | number): bigint {
  if (typeof amountMinor === 'bigint') return amountMinor;
  // Beyond 2^53 a number no longer holds the exact amount Stripe sent, so formatting it would lie.
  if (!Number.isSafeInteger(amountMinor)) {
    throw new Error(`amount ${amountMinor} is not a safe integer number of minor units (pass a bigint for larger amounts)`);
  }
  return BigInt(amountMinor);
}

/** An amount in minor units as it travels in JSON: an integer a JS number holds exactly. */
export const minorUnits = z.number().int().refine(Number.isSafeInteger, 'amount must be a safe integer');

/**
 * The largest amount Stripe accepts, in minor units: "The amount value supports up to twelve
 * digits for IDR (for example, a value of 999999999999 for a charge of 9,999,999,999.99 IDR), and
 * up to eight digits for all other currencies" (https://docs.stripe.com/currencies, "Minimum and
 * maximum charge amounts"; the API reference says the same of `amount`: "supports up to eight
 * digits (e.g., a value of 99999999 for a USD charge of $999,999.99)").
 *
 * One bound for every currency, IDR's: an amount is checked where its currency may not be at hand
 * (and an invoice's totals are not themselves charges), and the point is to refuse what cannot be
 * real, not to second-guess a real event whose amount is merely large. Anything above it is no
 * amount Stripe ever sent.
 */
export const MAX_STRIPE_AMOUNT_MINOR = 999_999_999_999;

/**
 * An amount Stripe sends as non-negative (charged, paid, due, refunded, a session's total): an
 * integer from 0 to MAX_STRIPE_AMOUNT_MINOR. The Stripe object schemas read with it and the event
 * catalogue reads the log back with it, so an impossible amount is refused on the way in and an
 * already stored one fails to parse on replay instead of reaching a read model.
 */
export const stripeAmount = minorUnits.min(0, 'amount must not be negative').max(MAX_STRIPE_AMOUNT_MINOR, `amount exceeds Stripe's maximum of ${MAX_STRIPE_AMOUNT_MINOR} minor units`);

/** An ISO currency code as the ledger stores it. */
export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'currency must be an upper-case 3-letter ISO 4217 code');

/** A currency as Stripe sends it (lower-case), read into the stored form. */
export const stripeCurrency = z
  .string()
  .regex(ISO_CODE, 'currency must be a 3-letter ISO 4217 code')
  .transform(normaliseCurrency);
