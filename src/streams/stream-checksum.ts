import { createHash, type Hash } from 'node:crypto';
import type { Json, RecordedEvent } from '../../domain/ports/event-store.ts';

/*
 * Per-stream counts and checksums, computed the same way from any store, so a copy can be
 * compared with its source. Pure apart from hashing: fed the events of a store's global log in
 * order, they need memory per stream, not per event.
 */

/**
 * JSON with every object's keys sorted (by UTF-16 code unit, as `Array.prototype.sort` does), so
 * the text depends on the value only: Postgres's jsonb returns keys shortest first, EventStoreDB
 * returns the bytes it was given, and JSON.parse keeps whichever order it read.
 */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key]!)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What the checksum covers of one event: revision, id (letter case aside), type, data and
 * metadata. The revision is in it so that a stream that starts elsewhere or has a gap differs
 * even when its events do not; the position and recording time are not, as each store assigns
 * its own.
 */
export function checksumLine(event: Pick<RecordedEvent, 'revision' | 'id' | 'type' | 'data' | 'metadata'>): string {
  return `${canonicalJson([String(event.revision), event.id.toLowerCase(), event.type, event.data, event.metadata])}\n`;
}

export interface StreamTally {
  readonly events: number;
  /** SHA-256 (hex) of the stream's checksum lines, in revision order. */
  readonly sha256: string;
}

/** Tallies being fed, one per stream. */
export type RunningTallies = Map<string, { events: number; hash: Hash }>;

export function addToTallies(tallies: RunningTallies, events: Iterable<RecordedEvent>): void {
  for (const event of events) {
    let tally = tallies.get(event.streamName);
    if (!tally) tallies.set(event.streamName, (tally = { events: 0, hash: createHash('sha256') }));
    tally.events++;
    tally.hash.update(checksumLine(event), 'utf8');
  }
}

export function finishTallies(tallies: RunningTallies): Map<string, StreamTally> {
  return new Map([...tallies].map(([stream, { events, hash }]) => [stream, { events, sha256: hash.digest('hex') }]));
}

export interface StreamMismatch {
  readonly stream: string;
  /** `missing in target`, `only in target`, `event count`, `checksum`. */
  readonly problem: 'missing in target' | 'only in target' | 'event count' | 'checksum';
  readonly source: StreamTally | null;
  readonly target: StreamTally | null;
}

export interface TallyComparison {
  /** Streams in the source. */
  readonly streams: number;
  /** Events in the source. */
  readonly events: number;
  readonly mismatches: readonly StreamMismatch[];
}

/** Every stream whose count or checksum differs, or that only one side has; sorted by name. */
export function compareTallies(source: ReadonlyMap<string, StreamTally>, target: ReadonlyMap<string, StreamTally>): TallyComparison {
  const mismatches: StreamMismatch[] = [];
  let events = 0;
  for (const [stream, s] of source) {
    events += s.events;
    const t = target.get(stream) ?? null;
    if (!t) mismatches.push({ stream, problem: 'missing in target', source: s, target: null });
    else if (t.events !== s.events) mismatches.push({ stream, problem: 'event count', source: s, target: t });
    else if (t.sha256 !== s.sha256) mismatches.push({ stream, problem: 'checksum', source: s, target: t });
  }
  for (const [stream, t] of target) {
    if (!source.has(stream)) mismatches.push({ stream, problem: 'only in target', source: null, target: t });
  }
  mismatches.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
  return { streams: source.size, events, mismatches };
}

/** `1 event`, `2 events`. */
export const counted = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** One line naming a mismatching stream and both sides, for an operator. */
export function describeMismatch(mismatch: StreamMismatch): string {
  const side = (tally: StreamTally | null) => (tally ? `${counted(tally.events, 'event')}, sha256 ${tally.sha256.slice(0, 16)}` : 'absent');
  return `${mismatch.stream}: ${mismatch.problem} (source: ${side(mismatch.source)}; target: ${side(mismatch.target)})`;
}
