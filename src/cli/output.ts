/** One JSON object per line on stdout; bigints as strings so nothing loses precision. */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
}
