import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { planChangeDirection } from '../../../domain/billing/plan-change.ts';
import { choosePlan } from '../../../domain/billing/plan-choice.ts';
import { parsePlanCatalogue, type Plan } from '../../../domain/plans/catalogue.ts';

const catalogue = parsePlanCatalogue(JSON.parse(readFileSync(new URL('../../../config/plan-catalogue.json', import.meta.url), 'utf8')));
const plan = (id: string) => catalogue.plans.find((p) => p.id === id)!;

describe('billing plan choice', () => {
  it('finds the catalogue plan by tier and cycle', () => {
    expect(choosePlan(catalogue, 'professional', 'annual')).to.deep.equal({ ok: true, plan: plan('professional-annual') });
  });

  it('lists the valid plans for an unknown one, and the valid cycles for a missing cycle', () => {
    expect(choosePlan(catalogue, 'gold', 'monthly')).to.deep.include({ ok: false, field: 'plan' });
    expect((choosePlan(catalogue, 'gold', 'monthly') as { problem: string }).problem).to.include('starter, professional, enterprise');
    const onlyMonthly = { plans: [plan('starter-monthly')] };
    const choice = choosePlan(onlyMonthly, 'starter', 'annual') as { field: string; problem: string };
    expect(choice.field).to.equal('billing_cycle');
    expect(choice.problem).to.include('valid cycles: monthly');
  });
});

describe('billing plan change direction', () => {
  it('is an upgrade when the new plan costs more per month, else a downgrade', () => {
    expect(planChangeDirection(plan('starter-monthly'), plan('professional-monthly'))).to.equal('upgrade');
    expect(planChangeDirection(plan('professional-monthly'), plan('starter-monthly'))).to.equal('downgrade');
    expect(planChangeDirection(plan('starter-monthly'), plan('professional-annual'))).to.equal('upgrade');
    // Annual is cheaper per month: moving to it waits for the period end.
    expect(planChangeDirection(plan('professional-monthly'), plan('professional-annual'))).to.equal('downgrade');
    expect(planChangeDirection(plan('professional-annual'), plan('professional-monthly'))).to.equal('upgrade');
  });

  it('compares exactly, in integers', () => {
    const make = (amountMinor: number, billingCycle: Plan['billingCycle']) => ({ ...plan('starter-monthly'), amountMinor, billingCycle });
    expect(planChangeDirection(make(1000, 'monthly'), make(12_000, 'annual'))).to.equal('downgrade');
    expect(planChangeDirection(make(1000, 'monthly'), make(12_001, 'annual'))).to.equal('upgrade');
  });
});
