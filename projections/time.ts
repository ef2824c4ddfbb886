/** Stripe timestamps are Unix seconds; read models store timestamptz. */
export function fromUnixSeconds(seconds: number): Date;
export function fromUnixSeconds(seconds: number | null): Date | null;
export function fromUnixSeconds(seconds: number | null): Date | null {
  return seconds === null ? null : new Date(seconds * 1000);
}
