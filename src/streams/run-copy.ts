import type { LeaseProvider } from '../../adapters/db/advisory-lease.ts';
import type { AnyDb } from '../../adapters/db/database.ts';
import { OperatorError } from '../../domain/operator-error.ts';
import type { GlobalPosition } from '../../domain/ports/event-store.ts';
import { openCopyProgress } from './copy-progress.ts';
import { copyStreams, TargetDivergedError, type CopyReport } from './copy-streams.ts';
import type { StoreForCopy } from './open-store.ts';
import { describeCopyProgress, describeVerifyProgress, throttle } from './progress-line.ts';
import { counted, describeMismatch, type TallyComparison } from './stream-checksum.ts';
import { verifyCopy } from './verify-copy.ts';

/*
 * The whole of `ledger streams copy` once its stores are open: copy, verify, report. Progress
 * and problems go to stderr as lines; the one JSON summary is returned for stdout.
 */

export interface StreamsCopyRequest {
  readonly source: StoreForCopy;
  readonly target: StoreForCopy;
  /** The ledger's database, which keeps the copy's progress. */
  readonly progressDb: AnyDb;
  readonly pageSize: number;
  /** Forget the saved progress and go through the source from its start. */
  readonly restart: boolean;
  readonly signal?: AbortSignal | undefined;
  /** Where processes share a Postgres server: one copy between the same two stores at a time. */
  readonly leases?: LeaseProvider | undefined;
  /** Least time between two progress lines (default 1000 ms). */
  readonly progressIntervalMs?: number | undefined;
  readonly writeLine: (line: string) => void;
}

/**
 * `equal`: copied and verified. `differ`: copied, but the stores do not hold the same streams.
 * `diverged`: stopped, the target holds something else at a stream's revision. `interrupted`:
 * stopped by the signal, progress saved.
 */
export type CopyStatus = 'equal' | 'differ' | 'diverged' | 'interrupted';

export interface StreamsCopyOutcome {
  readonly status: CopyStatus;
  readonly summary: Record<string, unknown>;
}

const positionOrNull = (position: GlobalPosition | null) => (position && position.commit >= 0n ? position : null);

export async function runStreamsCopy(request: StreamsCopyRequest): Promise<StreamsCopyOutcome> {
  const { source, target, writeLine } = request;
  const key = `${source.description} -> ${target.description}`;
  const lease = request.leases ? await request.leases.acquire(`streams-copy:${key}`, AbortSignal.timeout(500)) : null;
  if (request.leases && !lease) throw new OperatorError(`Another "ledger streams copy" from ${source.description} to ${target.description} is running; wait for it to finish`);
  try {
    const progress = await openCopyProgress(request.progressDb, key);
    if (request.restart) await progress.clear();
    const due = throttle(request.progressIntervalMs ?? 1000);
    const base = { from: source.kind, to: target.kind, source: source.description, target: target.description };

    let copy: CopyReport;
    try {
      copy = await copyStreams(source.store, target.store, {
        progress,
        pageSize: request.pageSize,
        signal: request.signal,
        countSourceEventsAfter: source.countEventsAfter,
        onProgress: (p) => {
          if (due()) writeLine(describeCopyProgress(p));
        },
      });
    } catch (error) {
      if (!(error instanceof TargetDivergedError)) throw error;
      writeLine(`streams copy: stopped: ${error.message}`);
      writeLine('streams copy: the events before it are copied and their position saved; nothing after it was written');
      return { status: 'diverged', summary: { ...base, status: 'diverged', stream: error.stream, revision: error.revision, error: error.message } };
    }
    writeLine(describeCopyProgress(copy.progress));
    const copied = {
      ...base,
      resumedFrom: positionOrNull(copy.resumedFrom),
      position: positionOrNull(copy.position),
      eventsRead: copy.progress.eventsRead,
      copied: copy.progress.copied,
      alreadyInTarget: copy.progress.alreadyInTarget,
      streams: copy.progress.streams,
      seconds: Number(copy.progress.seconds.toFixed(3)),
    };
    if (!copy.completed) {
      writeLine('streams copy: interrupted; its position is saved: run the same command again to go on from there');
      return { status: 'interrupted', summary: { ...copied, status: 'interrupted' } };
    }
    // The copy read to the end of what the source's global log shows, which in Postgres stops at
    // the oldest transaction still open on the server: say what lies beyond, so a cut-over does
    // not take an early end for the whole log.
    const eventsAfterCopy = source.countEventsAfter ? await source.countEventsAfter(copy.position).catch(() => null) : null;
    if (eventsAfterCopy) {
      writeLine(
        `streams copy: the source has ${counted(eventsAfterCopy, 'event')} after the position copied (appended since, or held back by a transaction still open on its server): ` +
          'run the command again to copy them (with the ledger stopped, for a final copy)',
      );
    }

    let verification: TallyComparison;
    try {
      verification = await verifyCopy(source.store, target.store, {
        pageSize: request.pageSize,
        upTo: copy.position,
        signal: request.signal,
        onPage: (side, read) => {
          if (due()) writeLine(describeVerifyProgress(side, read));
        },
      });
    } catch (error) {
      if (!request.signal?.aborted) throw error;
      writeLine('streams copy: interrupted while verifying; the copy itself is complete: run the same command again to verify');
      return { status: 'interrupted', summary: { ...copied, status: 'interrupted' } };
    }
    const status = verification.mismatches.length === 0 ? 'equal' : 'differ';
    reportVerification(verification, writeLine);
    return {
      status,
      summary: {
        ...copied,
        status,
        sourceEventsAfterCopy: eventsAfterCopy,
        verified: {
          streams: verification.streams,
          events: verification.events,
          equal: status === 'equal',
          mismatches: verification.mismatches,
        },
      },
    };
  } finally {
    await lease?.release();
  }
}

function reportVerification(verification: TallyComparison, writeLine: (line: string) => void): void {
  const { streams, events, mismatches } = verification;
  if (mismatches.length === 0) {
    writeLine(`streams copy: verified ${counted(streams, 'stream')}, ${counted(events, 'event')}: every count and checksum equal`);
    return;
  }
  writeLine(`streams copy: verified ${counted(streams, 'stream')}, ${counted(events, 'event')}: ${mismatches.length === 1 ? '1 stream differs' : `${mismatches.length} streams differ`}:`);
  for (const mismatch of mismatches) writeLine(`  ${describeMismatch(mismatch)}`);
}
