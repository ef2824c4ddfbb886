import { Argument, InvalidArgumentError, type CommanderError } from 'commander';
import { z } from 'zod';
import { allProjections } from '../../projections/all.ts';

/*
 * Parsers for command-line values. Commander prints a rejected value as one line naming the
 * option or argument ("error: option '--limit <n>' argument 'abc' is invalid. <message>"), so a
 * mistake never reaches a store or prints a stack. Only plain decimal digits count as numbers:
 * Number() would take 0x10, 1e1 and 2.0, and parseInt('1.5') would quietly be 1.
 */

const DIGITS = /^\d+$/;

/**
 * Commander's exit for every command (`exitOverride`): a mistake, already printed in one line,
 * exits 2 as an OperatorError does; help exits 0.
 */
export function exitOnMistake(error: CommanderError): never {
  process.exit(error.exitCode === 0 ? 0 : 2);
}

/** A whole number from 0 up, as a bigint (stream revisions). */
export function wholeNumber(value: string): bigint {
  if (!DIGITS.test(value)) throw new InvalidArgumentError('Expected a whole number: 0, 1, 2, ...');
  return BigInt(value);
}

/** A count from 1 up (limits, sizes). */
export function positiveCount(value: string): number {
  const n = DIGITS.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('Expected a whole number from 1 up.');
  return n;
}

/** Text with something in it besides spaces; returned trimmed. */
export function nonBlank(value: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw new InvalidArgumentError('Expected a non-empty value.');
  return trimmed;
}

/** Checks `value` against a zod schema; its first issue is the message. */
export function matching<T>(schema: z.ZodType<T>): (value: string) => T {
  return (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'Invalid value.');
    return parsed.data;
  };
}

/** A stream's name as the store spells it: no spaces, not empty. */
export const streamName = matching(z.string().regex(/^\S+$/, 'Expected a stream name, e.g. tenant-<id> or unrouted.'));

/** A projection's name, refused with the list of known ones when it is not one of them. */
export function projectionNameArgument(spec: string, description: string): Argument {
  return new Argument(spec, description).choices(allProjections.map((p) => p.name));
}
