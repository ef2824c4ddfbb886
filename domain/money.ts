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

/** An ISO currency code as the ledger stores it. */
export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'currency must be an upper-case 3-letter ISO 4217 code');

/** A currency as Stripe sends it (lower-case), read into the stored form. */
export const stripeCurrency = z
  .string()
  .regex(ISO_CODE, 'currency must be a 3-letter ISO 4217 code')
  .transform(normaliseCurrency);
