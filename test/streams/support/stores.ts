import { expect } from 'chai';
import { migrateDatabase } from '../../../adapters/db/migrate.ts';
import type { Database } from '../../../adapters/db/database.ts';
import { START, type EventStore, type RecordedEvent } from '../../../domain/ports/event-store.ts';
import { loadConfig } from '../../../src/config.ts';
import { openStoreForCopy, type StoreForCopy } from '../../../src/streams/open-store.ts';
import { runStreamsCopy, type StreamsCopyOutcome, type StreamsCopyRequest } from '../../../src/streams/run-copy.ts';
import { freshDatabase, type TestDatabase } from '../../support/database.ts';

/** A scratch database with the ledger's tables, and its event store opened as `streams copy` opens it. */
export interface CopySide {
  readonly database: TestDatabase;
  readonly side: StoreForCopy;
  readonly store: EventStore;
  close(): Promise<void>;
}

export async function openSide(database: Database & { url?: string | undefined }): Promise<Omit<CopySide, 'database'>> {
  await migrateDatabase(database.db);
  const side = await openStoreForCopy('postgres', loadConfig({}), database);
  return { side, store: side.store, close: () => side.close() };
}

export async function freshSide(): Promise<CopySide> {
  const database = await freshDatabase();
  try {
    const opened = await openSide(database);
    return {
      ...opened,
      database,
      async close() {
        await opened.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Empties a side's log and forgets every copy's progress kept there, so one database serves several tests. */
export async function emptySide(side: CopySide): Promise<void> {
  await side.database.pool.query('TRUNCATE events, streams, event_id_claims');
  await side.database.pool.query('DROP TABLE IF EXISTS stream_copy_progress');
}

export interface CopyRun extends StreamsCopyOutcome {
  readonly lines: string[];
}

/** `runStreamsCopy` from `source` to `target`, progress kept in the target's database, every progress line kept. */
export async function copy(source: CopySide, target: CopySide, options: Partial<StreamsCopyRequest> = {}): Promise<CopyRun> {
  const lines: string[] = [];
  const outcome = await runStreamsCopy({
    source: source.side,
    target: target.side,
    progressDb: target.database.db,
    pageSize: 50,
    restart: false,
    progressIntervalMs: 0,
    ...options,
    writeLine: (line) => {
      lines.push(line);
      options.writeLine?.(line);
    },
  });
  return { ...outcome, lines };
}

export async function readWholeLog(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after = START; ; ) {
    const page = await store.readAll({ after, limit: 1000 });
    if (page.length === 0) return events;
    events.push(...page);
    after = page.at(-1)!.position;
  }
}

/**
 * The whole log once it shows at least `events` events. A global reader of a Postgres store sees
 * an event only once every older transaction on the server has ended, other suites' included,
 * so a test waits for what it has just written before it counts on reading it.
 */
export async function settledLog(store: EventStore, events: number, timeoutMs = 60_000): Promise<RecordedEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await readWholeLog(store);
    if (log.length >= events) return log;
    if (Date.now() > deadline) throw new Error(`the log shows ${log.length} events after ${timeoutMs} ms, not ${events}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Events the store holds in these streams, read stream by stream (which shows committed events at once). */
export async function countInStreams(store: EventStore, streams: Iterable<string>): Promise<number> {
  let count = 0;
  for (const stream of streams) count += (await store.readStream(stream)).length;
  return count;
}

const comparable = (e: RecordedEvent) => ({ stream: e.streamName, revision: e.revision, id: e.id, type: e.type, data: e.data, metadata: e.metadata });

/**
 * Checks, without the copy's own checksums, that every stream of the source reads back the same
 * from the target (ids, types, data, metadata, revisions) and the target has no other stream;
 * both hold `events` events.
 */
export async function expectSameStreams(source: EventStore, target: EventStore, events: number): Promise<void> {
  const byStream = (log: RecordedEvent[]) => {
    const streams = new Map<string, ReturnType<typeof comparable>[]>();
    for (const e of log) streams.set(e.streamName, [...(streams.get(e.streamName) ?? []), comparable(e)]);
    return streams;
  };
  const sourceLog = await settledLog(source, events);
  const targetLog = await settledLog(target, events);
  expect(targetLog.length).to.equal(sourceLog.length);
  const sourceStreams = byStream(sourceLog);
  const targetStreams = byStream(targetLog);
  expect([...targetStreams.keys()].sort()).to.deep.equal([...sourceStreams.keys()].sort());
  for (const [stream, streamEvents] of sourceStreams) {
    expect(await target.readStream(stream).then((read) => read.map(comparable)), stream).to.deep.equal(streamEvents);
  }
}
