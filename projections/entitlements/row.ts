export type AccessState = 'active' | 'suspended' | 'revoked';

/**
 * What a tenant may use, as the process manager decided it: access (dunning and subscription
 * ends) and whether its infrastructure is ready. The plan and subscription status are read from
 * the subscriptions read model when queried (see queries.ts).
 */
export interface EntitlementRow {
  tenant_id: string;
  access_state: AccessState;
  /** `at` of the access event applied last (null: never changed): an older one never overwrites it. */
  access_since: Date | null;
  access_reason: string | null;
  /** The Stripe invoice a suspension (or the restoration after it) names. */
  access_invoice_id: string | null;
  /** The Stripe subscription whose end revoked access: another one, live, gives access again. */
  revoked_subscription_id: string | null;
  infrastructure: 'locked' | 'unlocked';
  /** When provisioning was first ready. */
  infrastructure_ready_at: Date | null;
}
