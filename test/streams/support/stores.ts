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

const comparable = (e: RecordedEvent) => ({ stream: e.streamName, revision: e.revision, id: e.id, type: e.type, data: e.data, metadata: e.metadata });

/**
 * Checks, without the copy's own checksums, that every stream of the source reads back the same
 * from the target (ids, types, data, metadata, revisions) and the target has no other stream.
 */
export async function expectSameStreams(source: EventStore, target: EventStore): Promise<void> {
  const byStream = (events: RecordedEvent[]) => {
    const streams = new Map<string, ReturnType<typeof comparable>[]>();
    for (const e of events) streams.set(e.streamName, [...(streams.get(e.streamName) ?? []), comparable(e)]);
    return streams;
  };
  const sourceStreams = byStream(await readWholeLog(source));
  const targetStreams = byStream(await readWholeLog(target));
  expect([...targetStreams.keys()].sort()).to.deep.equal([...sourceStreams.keys()].sort());
  for (const [stream, events] of sourceStreams) {
    expect(await target.readStream(stream).then((read) => read.map(comparable)), stream).to.deep.equal(events);
  }
}
