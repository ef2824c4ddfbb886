/** A billing action the tenant cannot have as asked: the HTTP layer answers `status` with `code`. */
export class BillingActionError extends Error {
  override readonly name = 'BillingActionError';
  readonly status: 400 | 409;
  readonly code: string;
  constructor(
    status: 400 | 409,
    code: string,
    message: string,
  ) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
