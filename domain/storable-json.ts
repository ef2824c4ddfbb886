import { isRecord, setOwn } from './is-record.ts';

/**
 * Why a verified body cannot be stored as it was delivered:
 * - `invalid_utf8`: bytes that are not UTF-8 (they decode to U+FFFD);
 * - `nul_character`: a U+0000 in a string or a key, which no Postgres text or jsonb can hold;
 * - `lone_surrogate`: half of a UTF-16 surrogate pair in a string or a key, which is no Unicode
 *   character and which jsonb refuses ("Unicode low surrogate must follow a high surrogate");
 * - `nesting_too_deep`: arrays and objects nested deeper than MAX_JSON_DEPTH.
 */
export type UnstorableReason = 'invalid_utf8' | 'nul_character' | 'lone_surrogate' | 'nesting_too_deep';

/**
 * The deepest nesting of arrays and objects a body may have. The deepest object in Stripe's
 * published examples nests 9 levels, 11 inside its event; expansion (at most 4 levels, per
 * Stripe) can stack a few such objects, still under 64. 128 leaves that twice over, and stays far
 * below where recursive code gives out: V8's JSON.stringify at about 4,000 levels here, card
 * scrubbing sooner, Postgres's jsonb parser past 10,000. A 1 MiB body could otherwise nest half a
 * million levels.
 */
export const MAX_JSON_DEPTH = 128;

const REPLACEMENT = '\uFFFD';
/**
 * ES2024's String#isWellFormed and #toWellFormed (in Node since 20; TypeScript's ES2023 lib lacks
 * them): a string is ill-formed exactly when it holds a lone surrogate, and toWellFormed replaces
 * each with U+FFFD.
 */
type WellFormable = string & { isWellFormed(): boolean; toWellFormed(): string };

/** The body's text, and whether its bytes were UTF-8 (when not, the text holds U+FFFD instead). */
export function decodeUtf8(bytes: Uint8Array): { readonly text: string; readonly invalidUtf8: boolean } {
  // ignoreBOM keeps a byte-order mark in the text, as Buffer#toString does, so JSON.parse still refuses it.
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), invalidUtf8: false };
  } catch {
    return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), invalidUtf8: true };
  }
}

export type StorableJson =
  /** `value` can be stored; `repaired` says what was replaced by U+FFFD (empty: it is the input itself). */
  | { readonly ok: true; readonly value: unknown; readonly repaired: readonly UnstorableReason[] }
  /**
   * Too deep to store as JSON. `topLevelScalars` holds the top-level fields that are neither
   * objects nor arrays (an event's id, type, created...), repaired: all of the value that anything
   * downstream may see.
   */
  | { readonly ok: false; readonly reason: 'nesting_too_deep'; readonly topLevelScalars: Record<string, unknown> };

/**
 * A parsed JSON value as Postgres jsonb can store it: the value itself when it can, else a copy in
 * which every NUL and lone surrogate of every string and key is replaced by U+FFFD; or, when it
 * nests deeper than `maxDepth`, not at all. Iterative throughout, since the value may nest as deep
 * as its text allows.
 */
export function storableJson(value: unknown, maxDepth: number = MAX_JSON_DEPTH): StorableJson {
  const found = inspect(value, maxDepth);
  if (found.tooDeep) return { ok: false, reason: 'nesting_too_deep', topLevelScalars: topLevelScalars(value) };
  if (found.reasons.size === 0) return { ok: true, value, repaired: [] };
  return { ok: true, value: repairedCopy(value), repaired: [...found.reasons].sort() };
}

/** What of `text` jsonb cannot hold, if anything. */
function stringReasons(text: string): UnstorableReason[] {
  const reasons: UnstorableReason[] = [];
  if (text.includes('\u0000')) reasons.push('nul_character');
  if (!(text as WellFormable).isWellFormed()) reasons.push('lone_surrogate');
  return reasons;
}

function repairString(text: string): string {
  return (text.replaceAll('\u0000', REPLACEMENT) as WellFormable).toWellFormed();
}

function inspect(value: unknown, maxDepth: number): { tooDeep: boolean; reasons: Set<UnstorableReason> } {
  const reasons = new Set<UnstorableReason>();
  const note = (text: string) => {
    for (const reason of stringReasons(text)) reasons.add(reason);
  };
  // `depth` counts the containers around an item: the top-level value sits at 0.
  const pending: { item: unknown; depth: number }[] = [{ item: value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { item, depth } = next;
    if (typeof item === 'string') note(item);
    else if (Array.isArray(item) || isRecord(item)) {
      if (depth + 1 > maxDepth) return { tooDeep: true, reasons };
      if (Array.isArray(item)) for (const child of item) pending.push({ item: child, depth: depth + 1 });
      else {
        for (const [key, child] of Object.entries(item)) {
          note(key);
          pending.push({ item: child, depth: depth + 1 });
        }
      }
    }
  }
  return { tooDeep: false, reasons };
}

/** A deep copy with repaired strings and keys, keeping key order; of repaired keys that collide, the last wins, as in JSON.parse. */
function repairedCopy(value: unknown): unknown {
  const root: Record<string, unknown> = {};
  const pending: { item: unknown; into: Record<string, unknown> | unknown[]; at: string | number }[] = [{ item: value, into: root, at: 'value' }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { item, into, at } = next;
    let copy: unknown = item;
    if (typeof item === 'string') copy = repairString(item);
    else if (Array.isArray(item)) {
      const array: unknown[] = new Array(item.length);
      for (let index = item.length - 1; index >= 0; index--) pending.push({ item: item[index], into: array, at: index });
      copy = array;
    } else if (isRecord(item)) {
      const record: Record<string, unknown> = {};
      const entries = Object.entries(item).map(([key, child]) => [repairString(key), child] as const);
      for (const [key] of entries) setOwn(record, key, undefined);
      // Pushed last first, so that the first is copied first and a later duplicate overwrites it.
      for (let index = entries.length - 1; index >= 0; index--) pending.push({ item: entries[index]![1], into: record, at: entries[index]![0] });
      copy = record;
    }
    if (Array.isArray(into)) into[at as number] = copy;
    else setOwn(into, at as string, copy);
  }
  return root.value;
}

function topLevelScalars(value: unknown): Record<string, unknown> {
  const scalars: Record<string, unknown> = {};
  if (!isRecord(value)) return scalars;
  for (const [key, child] of Object.entries(value)) {
    if (typeof child !== 'object' || child === null) setOwn(scalars, repairString(key), typeof child === 'string' ? repairString(child) : child);
  }
  return scalars;
}
