import { expect } from 'chai';
import { monthlyAmount, type KnownPrice } from '../../../domain/finance/monthly-amount.ts';

const AT = 1_790_000_000;
const noCatalogue = () => null;

function object(o: { unitAmount?: number | null; interval?: string; count?: number; quantity?: number; currency?: string; discount?: unknown; discounts?: unknown[] }) {
  return {
    items: { data: [{ quantity: o.quantity ?? 1, price: { id: 'price_x', currency: o.currency ?? 'usd', unit_amount: o.unitAmount === undefined ? 12_000 : o.unitAmount, recurring: { interval: o.interval ?? 'month', interval_count: o.count ?? 1 } } }] },
    discount: o.discount ?? null,
    discounts: o.discounts ?? [],
  };
}

const snapshot = { priceId: 'price_x', quantity: 1 };

describe('monthlyAmount', () => {
  it('normalises every interval to a month: yearly /12, quarterly /3, weekly ×52/12, daily ×365/12', () => {
    expect(monthlyAmount(object({ interval: 'year' }), snapshot, AT, noCatalogue)).to.deep.equal({ currency: 'USD', amountMinor: 1000n });
    expect(monthlyAmount(object({ interval: 'month', count: 3 }), snapshot, AT, noCatalogue)).to.deep.equal({ currency: 'USD', amountMinor: 4000n });
    expect(monthlyAmount(object({ interval: 'week', unitAmount: 1000 }), snapshot, AT, noCatalogue)!.amountMinor).to.equal(4333n); // 4333.33
    expect(monthlyAmount(object({ interval: 'day', unitAmount: 100 }), snapshot, AT, noCatalogue)!.amountMinor).to.equal(3042n); // 3041.67
  });

  it('multiplies by the quantity and rounds once, halves up, in the minor unit of a zero-decimal currency too', () => {
    expect(monthlyAmount(object({ unitAmount: 1000, quantity: 5, interval: 'year', currency: 'jpy' }), snapshot, AT, noCatalogue)).to.deep.equal({ currency: 'JPY', amountMinor: 417n }); // 416.67
    expect(monthlyAmount(object({ unitAmount: 6, interval: 'year' }), snapshot, AT, noCatalogue)!.amountMinor).to.equal(1n); // 0.5 → 1
  });

  it('applies percent and amount discounts that recur, not a one-off or an ended one, nor one of another currency', () => {
    const coupon = (c: Record<string, unknown>, end: number | null = null) => ({ id: `di_${JSON.stringify(c)}`, coupon: { percent_off: null, amount_off: null, currency: null, ...c }, end });
    expect(monthlyAmount(object({ discount: coupon({ percent_off: 12.5, duration: 'forever' }) }), snapshot, AT, noCatalogue)!.amountMinor).to.equal(10_500n);
    expect(monthlyAmount(object({ interval: 'year', discount: coupon({ amount_off: 2400, currency: 'usd', duration: 'repeating' }) }), snapshot, AT, noCatalogue)!.amountMinor).to.equal(800n);
    expect(monthlyAmount(object({ discount: coupon({ amount_off: 99_999, currency: 'usd', duration: 'forever' }) }), snapshot, AT, noCatalogue)!.amountMinor).to.equal(0n);
    expect(monthlyAmount(object({ discount: coupon({ percent_off: 50, duration: 'once' }) }), snapshot, AT, noCatalogue)!.amountMinor).to.equal(12_000n);
    expect(monthlyAmount(object({ discount: coupon({ percent_off: 50, duration: 'repeating' }, AT - 1) }), snapshot, AT, noCatalogue)!.amountMinor).to.equal(12_000n);
    expect(monthlyAmount(object({ discount: coupon({ amount_off: 1000, currency: 'eur', duration: 'forever' }) }), snapshot, AT, noCatalogue)!.amountMinor).to.equal(12_000n);
    // Expanded entries of `discounts` count; bare ids say nothing of the amount.
    expect(monthlyAmount(object({ discounts: ['di_123', coupon({ percent_off: 10, duration: 'forever' })] }), snapshot, AT, noCatalogue)!.amountMinor).to.equal(10_800n);
  });

  it('falls back on the catalogue when the object carries no prices, and knows nothing of a tiered price or an unknown one', () => {
    const annual: KnownPrice = { amountMinor: 149_000, currency: 'USD', interval: 'year', intervalCount: 1 };
    expect(monthlyAmount({}, { priceId: 'price_professional_annual', quantity: 2 }, AT, () => annual)).to.deep.equal({ currency: 'USD', amountMinor: 24_833n });
    expect(monthlyAmount(object({ unitAmount: null }), snapshot, AT, noCatalogue)).to.equal(null);
    expect(monthlyAmount({}, snapshot, AT, noCatalogue)).to.equal(null);
  });
});
