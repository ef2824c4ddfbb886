export interface SubscriptionRow {
  id: string;
  tenant_id: string;
  plan_id: string | null;
  pending_plan_id: string | null;
  status: string;
  current_period_start: Date | null;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
  cancel_reason: string | null;
  cancel_date: Date | null;
  billing_contact_user_id: string | null;
  stripe_subscription_id: string;
  stripe_customer_id: string | null;
  stripe_price_id: string | null;
  pending_stripe_price_id: string | null;
  quantity: number | null;
  trial_end: Date | null;
  /** Stripe `created` of the last event applied: an older event never overwrites this row. */
  last_event_created: Date;
  created: Date;
  updated: Date;
  /** False for Stripe test-mode subscriptions. */
  livemode: boolean;
}
