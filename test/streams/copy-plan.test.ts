import { expect } from 'chai';
import type { RecordedEvent } from '../../domain/ports/event-store.ts';
import { expectedRevisionBefore, groupIntoRuns, isSystemStream, planRun, toNewEvent, type TargetState } from '../../src/streams/copy-plan.ts';

let sequence = 0;
function recorded(streamName: string, revision: number, id = `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`): RecordedEvent {
  return {
    id,
    type: 'InvoicePaid',
    streamName,
    revision: BigInt(revision),
    position: { commit: BigInt(sequence), prepare: BigInt(sequence) },
    data: { n: revision },
    metadata: { m: true },
    recordedAt: new Date(0),
  };
}

const target = (held: RecordedEvent[], lastRevision: bigint, duplicates: string[] = []): TargetState => ({
  fromRunStart: held.map((e) => ({ id: e.id, revision: e.revision })),
  lastRevision,
  reportedDuplicates: new Set(duplicates),
});

describe('streams copy: runs and plans', () => {
  describe('groupIntoRuns', () => {
    it('groups consecutive events of one stream, in the order of the log', () => {
      const page = [recorded('a', 0), recorded('a', 1), recorded('b', 0), recorded('a', 2), recorded('a', 3), recorded('a', 4), recorded('c', 7)];
      const runs = groupIntoRuns(page);
      expect(runs.map((r) => [r.stream, r.events.map((e) => Number(e.revision))])).to.deep.equal([
        ['a', [0, 1]],
        ['b', [0]],
        ['a', [2, 3, 4]],
        ['c', [7]],
      ]);
      expect(runs.flatMap((r) => r.events)).to.deep.equal(page);
    });

    it('starts a new run at a gap in a stream, so the append is refused for its real reason', () => {
      const runs = groupIntoRuns([recorded('a', 0), recorded('a', 2), recorded('a', 3)]);
      expect(runs.map((r) => r.events.map((e) => Number(e.revision)))).to.deep.equal([[0], [2, 3]]);
    });

    it('makes no run of an empty page', () => {
      expect(groupIntoRuns([])).to.deep.equal([]);
    });
  });

  it('expects no stream before revision 0, else the revision before', () => {
    expect(expectedRevisionBefore(0n)).to.equal('no_stream');
    expect(expectedRevisionBefore(1n)).to.equal(0n);
    expect(expectedRevisionBefore(42n)).to.equal(41n);
  });

  it('gives the target the id, type, data and metadata, not the position or time', () => {
    const event = recorded('a', 3);
    expect(toNewEvent(event)).to.deep.equal({ id: event.id, type: 'InvoicePaid', data: { n: 3 }, metadata: { m: true } });
  });

  it('knows EventStoreDB system streams by their $', () => {
    expect(isSystemStream('$settings')).to.equal(true);
    expect(isSystemStream('tenant-$x')).to.equal(false);
    expect(isSystemStream('unrouted')).to.equal(false);
  });

  describe('planRun', () => {
    const run = () => [recorded('s', 3), recorded('s', 4), recorded('s', 5)];

    it('skips the whole run when the target holds it, ids in any letter case', () => {
      const events = run();
      const held = events.map((e) => ({ ...e, id: e.id.toUpperCase() }));
      expect(planRun(events, target(held, 5n))).to.deep.equal({ kind: 'continue', skip: 3 });
      // The target may already hold later events too.
      expect(planRun(events, target(held, 9n))).to.deep.equal({ kind: 'continue', skip: 3 });
    });

    it('skips what an earlier run appended and goes on after it', () => {
      const events = run();
      expect(planRun(events, target(events.slice(0, 1), 3n))).to.deep.equal({ kind: 'continue', skip: 1 });
      expect(planRun(events, target([], 2n))).to.deep.equal({ kind: 'continue', skip: 0 });
    });

    it('reports another event at a revision of the run as a divergence', () => {
      const events = run();
      const other = recorded('s', 4);
      expect(planRun(events, target([events[0]!, other], 4n))).to.deep.equal({ kind: 'diverged', revision: 4n, sourceId: events[1]!.id, targetId: other.id });
    });

    it('reports a target stream that ends before the run as missing earlier events', () => {
      expect(planRun(run(), target([], 1n))).to.deep.equal({ kind: 'behind', revision: 3n, targetLastRevision: 1n });
      expect(planRun(run(), target([], -1n))).to.deep.equal({ kind: 'behind', revision: 3n, targetLastRevision: -1n });
    });

    it('reports an id the target answered as a duplicate but does not hold here as held by another stream', () => {
      const events = [recorded('s', 0), recorded('s', 1)];
      // Not stored at all: the stream is still empty.
      expect(planRun(events, target([], -1n, [events[0]!.id]))).to.deep.equal({ kind: 'held-elsewhere', revision: 0n, id: events[0]!.id });
      // The event after it took its revision.
      const shifted = { ...events[1]!, revision: 0n };
      expect(planRun(events, target([shifted], 0n, [events[0]!.id]))).to.deep.equal({ kind: 'held-elsewhere', revision: 0n, id: events[0]!.id });
      // Stored before it, not after.
      expect(planRun(events, target([events[0]!], 0n, [events[1]!.id]))).to.deep.equal({ kind: 'held-elsewhere', revision: 1n, id: events[1]!.id });
      // A duplicate the target does hold at its revision is simply there already.
      expect(planRun(events, target(events, 1n, [events[0]!.id, events[1]!.id]))).to.deep.equal({ kind: 'continue', skip: 2 });
    });
  });
});
