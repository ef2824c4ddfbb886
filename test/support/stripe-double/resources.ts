/** The objects the double holds, shaped as API version 2026-10-28 returns them. */
export interface DoubleSubscription {
  id: string;
  object: 'subscription';
  customer: string;
  status: string;
  cancel_at_period_end: boolean;
  cancel_at: number | null;
  cancellation_details: { comment: string | null; feedback: null; reason: string | null };
  metadata: Record<string, string>;
  schedule: string | null;
  items: { object: 'list'; data: { id: string; object: 'subscription_item'; price: { id: string; object: 'price' }; quantity: number; current_period_start: number; current_period_end: number }[] };
}

export type StripeObject = Record<string, unknown> & { id: string };

/** An error as Stripe answers it: `{"error": {"type", "message", "code", "param"}}`. */
export class StripeDoubleError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code?: string;
  readonly param?: string;
  constructor(
    status: number,
    type: string,
    message: string,
    code?: string,
    param?: string,
  ) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
  }
  body() {
    return { error: { type: this.type, message: this.message, ...(this.code ? { code: this.code } : {}), ...(this.param ? { param: this.param } : {}) } };
  }
}

export const invalid = (message: string, param?: string, code = 'parameter_invalid') => new StripeDoubleError(400, 'invalid_request_error', message, code, param);
export const missing = (id: string, param = 'id') => new StripeDoubleError(404, 'invalid_request_error', `No such object: '${id}'`, 'resource_missing', param);

/** Refuses parameters the endpoint does not take and requires those it must have, as Stripe does. */
export function checkParams(params: Record<string, unknown>, allowed: readonly string[], required: readonly string[] = []): void {
  for (const name of Object.keys(params)) if (!allowed.includes(name)) throw invalid(`Received unknown parameter: ${name}`, name, 'parameter_unknown');
  for (const name of required) if (params[name] === undefined || params[name] === '') throw invalid(`Missing required param: ${name}.`, name, 'parameter_missing');
}
