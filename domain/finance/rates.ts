/** Decimal places of every rate in a report. */
export const RATE_DECIMALS = 4;
const SCALE = 10n ** BigInt(RATE_DECIMALS);

/**
 * `num / den` rounded to RATE_DECIMALS places, halves away from zero, computed on integers so
 * large minor-unit sums lose nothing; null when `den` is zero (no rate of nothing).
 */
export function rate(num: bigint | number, den: bigint | number): number | null {
  const n = BigInt(num);
  const d = BigInt(den);
  if (d === 0n) return null;
  const negative = n < 0n !== d < 0n;
  const a = n < 0n ? -n : n;
  const b = d < 0n ? -d : d;
  const scaled = (2n * a * SCALE + b) / (2n * b);
  return (negative ? -1 : 1) * (Number(scaled) / Number(SCALE));
}
