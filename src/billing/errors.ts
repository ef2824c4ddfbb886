/** A billing action the tenant cannot have as asked: the HTTP layer answers `status` with `code`. */
export class BillingActionError extends Error {
  override readonly name = 'BillingActionError';
  constructor(
    readonly status: 400 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
