/** One domain event in a tenant's audit trail. */
export interface AuditRow {
  /** The event's id in the log. */
  event_id: string;
  /** The tenant whose stream holds it. */
  tenant_id: string;
  stream: string;
  stream_revision: bigint;
  type: string;
  summary: string;
  /** When it happened: Stripe's `created`, the intent's `requestedAt`, the process's `at`. */
  occurred_at: Date;
  /** When the ledger stored it. */
  recorded_at: Date;
  stripe_event_id: string | null;
  correlation_id: string | null;
  causation_id: string | null;
}
