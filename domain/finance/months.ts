import { z } from 'zod';

/** A calendar month in UTC, as `YYYY-MM`. */
export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM, e.g. 2026-10');

/** The longest range one report covers: ten years of months keeps a report's memory small. */
export const MAX_MONTHS = 120;

/** Unix seconds of the first instant of `month` (UTC). */
export function monthStart(month: string): number {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return Date.UTC(year, m - 1, 1) / 1000;
}

/** The month after `month`. */
export function nextMonth(month: string): string {
  const date = new Date(monthStart(month) * 1000);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return date.toISOString().slice(0, 7);
}

/** The month holding `unixSeconds` (UTC). */
export function monthOf(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 7);
}

/** Every month from `from` to `to`, both included; an error when `to` is before `from` or the range is too long. */
export function monthsBetween(from: string, to: string): string[] {
  if (to < from) throw new RangeError(`the range ends (${to}) before it starts (${from})`);
  const months = [from];
  while (months.at(-1)! < to) {
    if (months.length >= MAX_MONTHS) throw new RangeError(`a report covers at most ${MAX_MONTHS} months`);
    months.push(nextMonth(months.at(-1)!));
  }
  return months;
}
