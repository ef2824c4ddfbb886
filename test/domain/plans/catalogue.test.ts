import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parsePlanCatalogue, type Plan } from '../../../domain/plans/catalogue.ts';

const sample = (): { plans: Plan[] } =>
  JSON.parse(readFileSync(new URL('../../../config/plan-catalogue.json', import.meta.url), 'utf8')) as { plans: Plan[] };

describe('plan catalogue', () => {
  it('parses config/plan-catalogue.json', () => {
    const catalogue = parsePlanCatalogue(sample());
    expect(catalogue.plans.map((plan) => plan.id).sort()).to.deep.equal([
      'enterprise-annual',
      'enterprise-monthly',
      'professional-annual',
      'professional-monthly',
      'starter-annual',
      'starter-monthly',
    ]);
  });

  it('sells Professional monthly at 149.00 USD', () => {
    const professional = parsePlanCatalogue(sample()).plans.find((plan) => plan.id === 'professional-monthly');
    expect(professional).to.include({
      name: 'Professional',
      tier: 'professional',
      billingCycle: 'monthly',
      stripePriceId: 'price_professional_monthly',
      amountMinor: 14900,
      currency: 'USD',
    });
    expect(professional?.limits).to.include.keys('servers', 'seats', 'storage_gb');
  });

  it('rejects duplicate plan ids, naming them', () => {
    const catalogue = sample();
    catalogue.plans.push({ ...catalogue.plans[0]!, stripePriceId: 'price_other' });
    expect(() => parsePlanCatalogue(catalogue)).to.throw(/duplicate plan id "starter-monthly"/);
  });

  it('rejects duplicate Stripe price ids, naming them', () => {
    const catalogue = sample();
    catalogue.plans.push({ ...catalogue.plans[1]!, id: 'starter-annual-2' });
    expect(() => parsePlanCatalogue(catalogue)).to.throw(/duplicate plan stripePriceId "price_starter_annual"/);
  });

  const invalid: [string, Partial<Plan> | Record<string, unknown>, RegExp][] = [
    ['a lower-case currency', { currency: 'usd' }, /currency/],
    ['a fractional amount', { amountMinor: 149.5 }, /amountMinor/],
    ['a negative amount', { amountMinor: -1 }, /amountMinor/],
    ['an unknown billing cycle', { billingCycle: 'weekly' }, /billingCycle/],
    ['a limit that is an object', { limits: { servers: { max: 5 } } }, /limits/],
  ];
  for (const [what, override, message] of invalid) {
    it(`rejects ${what}`, () => {
      const catalogue = sample();
      catalogue.plans[0] = { ...catalogue.plans[0]!, ...override } as Plan;
      expect(() => parsePlanCatalogue(catalogue)).to.throw(message);
    });
  }
});
