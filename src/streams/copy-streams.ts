import {
  START,
  WrongExpectedRevisionError,
  type EventStore,
  type GlobalPosition,
  type RecordedEvent,
} from '../../domain/ports/event-store.ts';
import { expectedRevisionBefore, groupIntoRuns, isSystemStream, planRun, toNewEvent, type RunPlan, type StreamRun } from './copy-plan.ts';
import type { CopyProgressStore } from './copy-progress.ts';
import type { CopyProgress } from './progress-line.ts';

/*
 * Moving history from one event store to another (`ledger streams copy`), through the port only,
 * so it works between any two adapters.
 *
 * - Order. The source's global log is read from the saved position in pages (`readAll`), and
 *   each page's consecutive events of one stream are appended together, in one call, one append
 *   after the other. So every stream's revisions keep their order, and so does the log as a
 *   whole: the target's global log lists events in the source's order, and a projection rebuilt
 *   from it sees what it saw before. (Appending streams in parallel would be faster, and would
 *   lose that.)
 * - Exact revisions. Each append names the revision the source has before its first event
 *   (`no_stream` for revision 0), so every event lands at the revision it has in the source, and
 *   a target stream something else has written to is refused, never interleaved.
 * - When the target refuses an append (or answers some of it as duplicates), the copy reads what
 *   the target holds at those revisions: the same ids mean an earlier run copied them (it was
 *   stopped after the append, before saving its position) and they are skipped; another id, or
 *   a target stream that ends before the run starts, means the target is not a copy of the
 *   source, and the copy stops with `TargetDivergedError` naming the stream and revision. The
 *   target is never written around.
 * - Resume. The source position is saved after every page, in one statement, in the ledger's
 *   database (`copy-progress.ts`). A kill -9 at any instant loses at most the page under way,
 *   which the next run reads again and finds already in the target. A run after a finished copy
 *   reads nothing and copies nothing.
 * - What is not copied: positions and recording times (each store assigns its own), and
 *   EventStoreDB's own `$` streams.
 * - Verification (`verify-copy.ts`) is separate: it compares both stores in full, up to the
 *   position this copy reached.
 */

/** At most this many appends of one run: more means something else keeps writing to the stream. */
const MAX_ATTEMPTS = 5;

/** The target holds something other than the source at a stream's revision: the copy stopped. */
export class TargetDivergedError extends Error {
  override readonly name = 'TargetDivergedError';
  readonly stream: string;
  readonly revision: bigint;
  constructor(
    stream: string,
    revision: bigint,
    message: string,
  ) {
    super(message);
    this.stream = stream;
    this.revision = revision;
  }
}

function divergedError(stream: string, plan: Exclude<RunPlan, { kind: 'continue' }>): TargetDivergedError {
  const at = `stream ${stream}, revision ${plan.revision}`;
  switch (plan.kind) {
    case 'diverged':
      return new TargetDivergedError(
        stream,
        plan.revision,
        `${at}: the target holds event ${plan.targetId} where the source has ${plan.sourceId}; something other than this copy wrote to the target's stream`,
      );
    case 'behind':
      return new TargetDivergedError(
        stream,
        plan.revision,
        `${at}: the target's stream ${plan.targetLastRevision === -1n ? 'has no events' : `ends at revision ${plan.targetLastRevision}`}, so it lacks the source's events before this one (was the target emptied or replaced since an earlier copy? --restart goes through the source from its start)`,
      );
    case 'held-elsewhere':
      return new TargetDivergedError(
        stream,
        plan.revision,
        `${at}: the target did not store event ${plan.id}, because another stream of its category already holds that id (ids are unique per category; a log written before that rule can hold one id in two streams)`,
      );
  }
}

async function targetState(target: EventStore, run: readonly RecordedEvent[], duplicates: readonly string[]) {
  const stream = run[0]!.streamName;
  const fromRunStart = await target.readStream(stream, { from: run[0]!.revision, limit: run.length });
  const last = await target.readStream(stream, { direction: 'backwards', limit: 1 });
  return { fromRunStart, lastRevision: last[0]?.revision ?? -1n, reportedDuplicates: new Set(duplicates) };
}

/** Appends one run at its source revisions; returns how many events it appended and how many the target held already. */
export async function copyRun(target: EventStore, run: StreamRun): Promise<{ copied: number; alreadyInTarget: number }> {
  let pending = run.events;
  let copied = 0;
  for (let attempt = 1; ; attempt++) {
    let duplicates: readonly string[] = [];
    try {
      const result = await target.append(run.stream, pending.map(toNewEvent), { expectedRevision: expectedRevisionBefore(pending[0]!.revision) });
      copied += result.appended.length;
      if (result.appended.length === pending.length) return { copied, alreadyInTarget: run.events.length - copied };
      duplicates = result.duplicates;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
    const plan = planRun(pending, await targetState(target, pending, duplicates));
    if (plan.kind !== 'continue') throw divergedError(run.stream, plan);
    pending = pending.slice(plan.skip);
    if (pending.length === 0) return { copied, alreadyInTarget: run.events.length - copied };
    if (attempt === MAX_ATTEMPTS) {
      throw new TargetDivergedError(
        run.stream,
        pending[0]!.revision,
        `stream ${run.stream}, revision ${pending[0]!.revision}: the target's stream changed under ${MAX_ATTEMPTS} appends in a row; something else is writing to it`,
      );
    }
  }
}

export interface CopyStreamsOptions {
  readonly progress: CopyProgressStore;
  /** Events read from the source at a time. */
  readonly pageSize: number;
  /** Aborting stops the copy after the page under way, its position saved. */
  readonly signal?: AbortSignal | undefined;
  /** How many of the source's events lie after a position, when the source can count them. */
  readonly countSourceEventsAfter?: ((after: GlobalPosition) => Promise<number>) | undefined;
  /** Called after every page. */
  readonly onProgress?: ((progress: CopyProgress) => void) | undefined;
}

export interface CopyReport {
  /** Where this run started in the source; null when it started at the beginning. */
  readonly resumedFrom: GlobalPosition | null;
  /** The source position reached: everything up to it is in the target. */
  readonly position: GlobalPosition;
  /** False when the signal stopped it before the end of the source. */
  readonly completed: boolean;
  readonly progress: CopyProgress;
}

/**
 * Copies the source's log from the saved position to its end (as the source shows it now) into
 * the target. Throws `TargetDivergedError` when the target holds something else, after saving
 * the pages before it.
 */
export async function copyStreams(source: EventStore, target: EventStore, options: CopyStreamsOptions): Promise<CopyReport> {
  const started = performance.now();
  const saved = await options.progress.load();
  let position = saved?.position ?? START;
  let eventsRead = saved?.eventsRead ?? 0;
  const cumulative = { copied: saved?.eventsCopied ?? 0, alreadyInTarget: saved?.eventsAlreadyInTarget ?? 0 };
  // Only for the progress lines: a copy does not fail for want of an estimate.
  const remaining = options.countSourceEventsAfter ? await options.countSourceEventsAfter(position).catch(() => null) : null;
  const eventsTotal = remaining === null ? null : eventsRead + remaining;
  const run = { copied: 0, alreadyInTarget: 0 };
  const streams = new Set<string>();
  const snapshot = (): CopyProgress => ({ eventsRead, eventsTotal, ...run, streams: streams.size, seconds: (performance.now() - started) / 1000 });

  let reachedEnd = false;
  while (!options.signal?.aborted) {
    const page = await source.readAll({ after: position, limit: options.pageSize });
    // Only an empty page is the end: a store may return fewer events than asked before it.
    if (page.length === 0) {
      reachedEnd = true;
      break;
    }
    for (const streamRun of groupIntoRuns(page.filter((event) => !isSystemStream(event.streamName)))) {
      const outcome = await copyRun(target, streamRun);
      run.copied += outcome.copied;
      run.alreadyInTarget += outcome.alreadyInTarget;
      streams.add(streamRun.stream);
    }
    position = page.at(-1)!.position;
    eventsRead += page.length;
    await options.progress.save({
      position,
      eventsRead,
      eventsCopied: cumulative.copied + run.copied,
      eventsAlreadyInTarget: cumulative.alreadyInTarget + run.alreadyInTarget,
    });
    options.onProgress?.(snapshot());
  }
  return {
    resumedFrom: saved ? saved.position : null,
    position,
    completed: reachedEnd,
    progress: snapshot(),
  };
}
