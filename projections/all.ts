import { OperatorError } from '../domain/operator-error.ts';
import type { Projection } from './projection.ts';
import { invoicesProjection } from './invoices/projection.ts';
import { moneyMovementsProjection } from './money-movements/projection.ts';
import { paymentMethodsProjection } from './payment-methods/projection.ts';
import { paymentsProjection } from './payments/projection.ts';
import { routingProjection } from './routing/projection.ts';
import { subscriptionsProjection } from './subscriptions/projection.ts';

export const allProjections: readonly Projection[] = [routingProjection, subscriptionsProjection, paymentsProjection, invoicesProjection, paymentMethodsProjection, moneyMovementsProjection];

export function projectionByName(name: string): Projection {
  const found = allProjections.find((p) => p.name === name);
  if (!found) throw new OperatorError(`unknown projection "${name}" (known: ${allProjections.map((p) => p.name).join(', ')})`);
  return found;
}
