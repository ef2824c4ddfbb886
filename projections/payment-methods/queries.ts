import type { Kysely } from 'kysely';

export interface PaymentMethodRecord {
  readonly id: string;
  readonly type: string;
  readonly brand: string | null;
  readonly last4: string | null;
  readonly expMonth: number | null;
  readonly expYear: number | null;
  readonly isDefault: boolean;
  readonly livemode: boolean;
}

/** Reads of the payment-methods read model behind the billing API; every one is scoped to a tenant. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createPaymentMethodQueries(db: Kysely<any>) {
  return {
    /** The default first, then the most recently attached. */
    async list(tenantId: string): Promise<PaymentMethodRecord[]> {
      const rows = await db
        .selectFrom('payment_methods as m')
        // The customer's default, recorded in the same tenant: another tenant's event never marks it.
        .leftJoin('default_payment_methods as d', (join) =>
          join.onRef('d.stripe_customer_id', '=', 'm.stripe_customer_id').onRef('d.tenant_id', '=', 'm.tenant_id').onRef('d.stripe_payment_method_id', '=', 'm.stripe_payment_method_id'),
        )
        .select(['m.stripe_payment_method_id', 'm.type', 'm.brand', 'm.last4', 'm.exp_month', 'm.exp_year', 'm.livemode', 'm.last_event_created'])
        .select((eb) => eb('d.stripe_customer_id', 'is not', null).as('is_default'))
        .where('m.tenant_id', '=', tenantId)
        .orderBy('is_default', 'desc')
        .orderBy('m.last_event_created', 'desc')
        .orderBy('m.stripe_payment_method_id')
        .execute();
      return rows.map((r) => ({
        id: r.stripe_payment_method_id,
        type: r.type,
        brand: r.brand,
        last4: r.last4,
        expMonth: r.exp_month,
        expYear: r.exp_year,
        isDefault: r.is_default === true,
        livemode: r.livemode,
      }));
    },
  };
}

export type PaymentMethodQueries = ReturnType<typeof createPaymentMethodQueries>;
