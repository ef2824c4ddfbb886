import type pg from 'pg';
import type { NewEvent } from '../../../domain/ports/event-store.ts';
import { appendWithinTransaction } from '../../../adapters/eventstore/postgres-append.ts';

export interface HeldAppend {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * Runs an append's own statements in a transaction and leaves it open, so a test decides when
 * it commits. The transaction has its id, and its events their global positions, from here on.
 */
export async function holdAppend(client: pg.ClientBase, stream: string, events: readonly NewEvent[]): Promise<HeldAppend> {
  await client.query('BEGIN');
  try {
    await appendWithinTransaction(client, stream, events, 'any');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  return {
    commit: async () => { await client.query('COMMIT'); },
    rollback: async () => { await client.query('ROLLBACK'); },
  };
}
