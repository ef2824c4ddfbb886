import { expect } from 'chai';
import fc from 'fast-check';
import type { Json, RecordedEvent } from '../../domain/ports/event-store.ts';
import {
  addToTallies,
  canonicalJson,
  checksumLine,
  compareTallies,
  describeMismatch,
  finishTallies,
  type RunningTallies,
  type StreamTally,
} from '../../src/streams/stream-checksum.ts';

/** The same value with every object's keys in reverse order. */
function reversedKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]));
  return value;
}

const json = fc.jsonValue() as fc.Arbitrary<Json>;

function event(streamName: string, revision: number, data: Json, metadata: { [key: string]: Json } = {}): RecordedEvent {
  return {
    id: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
    type: 'T',
    streamName,
    revision: BigInt(revision),
    position: { commit: 0n, prepare: BigInt(revision) },
    data,
    metadata,
    recordedAt: new Date(),
  };
}

function tallies(events: RecordedEvent[]): Map<string, StreamTally> {
  const running: RunningTallies = new Map();
  addToTallies(running, events);
  return finishTallies(running);
}

describe('streams copy: checksums', () => {
  it('writes JSON with sorted keys, whatever order they came in', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'ü' }], '': true })).to.equal('{"":true,"a":[{"c":"ü","d":null}],"b":1}');
    // Postgres's jsonb returns keys shortest first; the text must not care.
    expect(canonicalJson({ long: 1, s: 2 })).to.equal(canonicalJson({ s: 2, long: 1 }));
  });

  it('gives one text per value: key order aside, it parses back to the same value', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(reversedKeys(value))).to.equal(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).to.deep.equal(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('covers revision, id (any letter case), type, data and metadata of an event, not its position or time', () => {
    const e = event('s', 1, { a: 1 }, { m: 'x' });
    expect(checksumLine(e)).to.equal(checksumLine({ ...e, id: e.id.toUpperCase(), position: { commit: 9n, prepare: 9n }, recordedAt: new Date(0) } as RecordedEvent));
    for (const changed of [{ revision: 2n }, { id: '00000000-0000-4000-8000-999999999999' }, { type: 'U' }, { data: { a: 2 } }, { metadata: { m: 'y' } }]) {
      expect(checksumLine({ ...e, ...changed }), JSON.stringify(Object.keys(changed))).not.to.equal(checksumLine(e));
    }
  });

  it('counts and checksums each stream in the order its events come', () => {
    const log = [event('a', 0, 1), event('b', 0, 2), event('a', 1, 3)];
    const result = tallies(log);
    expect(result.get('a')!.events).to.equal(2);
    expect(result.get('b')!.events).to.equal(1);
    expect(result.get('a')!.sha256).to.match(/^[0-9a-f]{64}$/);
    // The other stream's events in between change nothing; another order of a stream's own events does.
    expect(tallies([event('a', 0, 1), event('a', 1, 3)]).get('a')).to.deep.equal(result.get('a'));
    expect(tallies([event('a', 1, 3), event('a', 0, 1)]).get('a')!.sha256).not.to.equal(result.get('a')!.sha256);
  });

  it('reports each stream that differs, or that one side lacks, by name', () => {
    const source = tallies([event('a', 0, 1), event('b', 0, 1), event('c', 0, 1), event('d', 0, 1), event('d', 1, 1)]);
    const target = tallies([event('a', 0, 1), event('b', 0, 2), event('d', 0, 1), event('e', 0, 1)]);
    const comparison = compareTallies(source, target);
    expect(comparison).to.include({ streams: 4, events: 5 });
    expect(comparison.mismatches.map((m) => [m.stream, m.problem])).to.deep.equal([
      ['b', 'checksum'],
      ['c', 'missing in target'],
      ['d', 'event count'],
      ['e', 'only in target'],
    ]);
    expect(describeMismatch(comparison.mismatches[2]!)).to.match(/^d: event count \(source: 2 events, sha256 [0-9a-f]{16}; target: 1 event, sha256 [0-9a-f]{16}\)$/);
    expect(describeMismatch(comparison.mismatches[1]!)).to.match(/^c: missing in target \(source: 1 event, sha256 [0-9a-f]{16}; target: absent\)$/);
    expect(compareTallies(source, source).mismatches).to.deep.equal([]);
  });
});
