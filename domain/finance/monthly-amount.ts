import { z } from 'zod';
import { normaliseCurrency } from '../money.ts';

/*
 * A subscription's monthly recurring revenue, from the Stripe subscription object an event
 * carries. Exact arithmetic: amounts are fractions of bigints until one final rounding.
 */

/** A fraction of minor units. */
interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

/** Rounds a non-negative fraction to the nearest integer, halves up. */
export function roundHalfUp(num: bigint, den: bigint): bigint {
  return (2n * num + den) / (2n * den);
}

const recurring = z.looseObject({ interval: z.enum(['day', 'week', 'month', 'year']), interval_count: z.number().int().positive().nullish() });

const price = z.looseObject({
  currency: z.string(),
  unit_amount: z.number().int().nonnegative().nullish(),
  recurring: recurring.nullish(),
});

const item = z.looseObject({ price: z.unknown().optional(), quantity: z.number().int().nonnegative().nullish() });

const coupon = z.looseObject({
  percent_off: z.number().min(0).max(100).nullish(),
  amount_off: z.number().int().nonnegative().nullish(),
  currency: z.string().nullish(),
  duration: z.string().nullish(),
});

const discount = z.looseObject({ coupon: coupon.nullish(), end: z.number().int().nullish() });

const subscriptionObject = z.looseObject({
  items: z.looseObject({ data: z.array(z.unknown()) }).nullish(),
  discount: z.unknown().optional(),
  discounts: z.unknown().optional(),
});

export type Interval = z.output<typeof recurring>['interval'];

/** A price as the plan catalogue knows it, for events whose object does not carry its price (an oversize event's, say). */
export interface KnownPrice {
  readonly amountMinor: number;
  readonly currency: string;
  readonly interval: Interval;
  readonly intervalCount: number;
}

export interface MonthlyAmount {
  readonly currency: string;
  readonly amountMinor: bigint;
}

/**
 * Months per billing interval, as a fraction: a year is 12 months, a quarter (3 months) 3, a
 * week 12/52 of a month and a day 12/365, so an amount billed every `count` intervals is
 * amount × den / (num × count) a month.
 */
const MONTHS_PER_INTERVAL: Record<Interval, Fraction> = {
  day: { num: 12n, den: 365n },
  week: { num: 12n, den: 52n },
  month: { num: 1n, den: 1n },
  year: { num: 12n, den: 1n },
};

function perMonth(amount: Fraction, interval: Interval, count: number): Fraction {
  const months = MONTHS_PER_INTERVAL[interval];
  return { num: amount.num * months.den, den: amount.den * months.num * BigInt(count) };
}

interface PricedItem {
  readonly currency: string;
  readonly amount: bigint;
  readonly interval: Interval;
  readonly count: number;
}

function pricedItems(object: z.output<typeof subscriptionObject>, fallbackQuantity: number | null): PricedItem[] | null {
  const items: PricedItem[] = [];
  for (const raw of object.items?.data ?? []) {
    const parsedItem = item.safeParse(raw);
    const parsedPrice = parsedItem.success ? price.safeParse(parsedItem.data.price) : null;
    if (!parsedItem.success || !parsedPrice?.success) return null;
    const { unit_amount, recurring: every, currency } = parsedPrice.data;
    // Tiered, metered or one-off prices have no fixed monthly amount here.
    if (unit_amount == null || !every) return null;
    const quantity = parsedItem.data.quantity ?? fallbackQuantity ?? 1;
    items.push({ currency: normaliseCurrency(currency), amount: BigInt(unit_amount) * BigInt(quantity), interval: every.interval, count: every.interval_count ?? 1 });
  }
  return items.length ? items : null;
}

/** A discount object by its id (`di_…`), as a `customer.discount.*` event showed it; undefined when none did. */
export type DiscountById = (id: string) => unknown;

/**
 * The discounts an event shows: the older API's `discount`, and the `discounts` entries, which the
 * current API sends as bare ids unless expanded; an id is looked up in `discountById` (the ids
 * alone say nothing of the amount).
 */
function discountsOf(object: z.output<typeof subscriptionObject>, at: number, discountById: DiscountById): z.output<typeof coupon>[] {
  const listed = Array.isArray(object.discounts) ? object.discounts : [];
  const candidates = [object.discount, ...listed.map((entry) => (typeof entry === 'string' ? discountById(entry) : entry))];
  const coupons: z.output<typeof coupon>[] = [];
  const seen = new Set<unknown>();
  for (const candidate of candidates) {
    const parsed = discount.safeParse(candidate);
    if (!parsed.success || !parsed.data.coupon) continue;
    // The same discount may appear in both fields.
    const id = (candidate as { id?: unknown }).id;
    if (id !== undefined && seen.has(id)) continue;
    seen.add(id);
    // A one-off discount lowers one invoice, not the recurring revenue; an ended one nothing.
    if (parsed.data.coupon.duration === 'once') continue;
    if (parsed.data.end != null && parsed.data.end <= at) continue;
    coupons.push(parsed.data.coupon);
  }
  return coupons;
}

function applyDiscounts(perInterval: bigint, currency: string, coupons: readonly z.output<typeof coupon>[]): Fraction {
  let amount: Fraction = { num: perInterval, den: 1n };
  for (const c of coupons) {
    if (c.amount_off != null && c.currency && normaliseCurrency(c.currency) === currency) {
      const num = amount.num - BigInt(c.amount_off) * amount.den;
      amount = { num: num < 0n ? 0n : num, den: amount.den };
    } else if (c.percent_off != null) {
      // Stripe allows two decimals of a percent: basis points of basis points stay exact.
      const keep = 10_000n - BigInt(Math.round(c.percent_off * 100));
      amount = { num: amount.num * keep, den: amount.den * 10_000n };
    }
  }
  return amount;
}

/**
 * The monthly amount of a subscription as a Stripe object shows it at `at` (Unix seconds):
 * each item's unit amount × quantity, less the discounts the object carries, normalised to a
 * month and rounded once to the minor unit. When the object carries no usable prices (not
 * delivered in full, tiered), the catalogue's price of the snapshot's price id; null when
 * neither knows it.
 */
export function monthlyAmount(
  stripeObject: Record<string, unknown>,
  snapshot: { priceId: string | null; quantity: number | null },
  at: number,
  knownPrice: (priceId: string) => KnownPrice | null,
  discountById: DiscountById = () => undefined,
): MonthlyAmount | null {
  const parsed = subscriptionObject.safeParse(stripeObject);
  const object = parsed.success ? parsed.data : { items: null, discount: null, discounts: null };
  let items = pricedItems(object, snapshot.quantity);
  if (!items) {
    const known = snapshot.priceId ? knownPrice(snapshot.priceId) : null;
    if (!known) return null;
    items = [{ currency: known.currency, amount: BigInt(known.amountMinor) * BigInt(snapshot.quantity ?? 1), interval: known.interval, count: known.intervalCount }];
  }
  const first = items[0]!;
  // Stripe bills every item of a subscription in one currency on one interval.
  if (items.some((i) => i.currency !== first.currency || i.interval !== first.interval || i.count !== first.count)) return null;
  const perInterval = items.reduce((sum, i) => sum + i.amount, 0n);
  const monthly = perMonth(applyDiscounts(perInterval, first.currency, discountsOf(object, at, discountById)), first.interval, first.count);
  return { currency: first.currency, amountMinor: roundHalfUp(monthly.num, monthly.den) };
}
