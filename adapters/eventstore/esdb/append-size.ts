import type { NewEvent } from '../../../domain/ports/event-store.ts';

/** EventStoreDB's default `MaxAppendSize`: the most one append may carry. */
export const DEFAULT_MAX_APPEND_BYTES = 1024 * 1024;

/**
 * The size of an append as EventStoreDB counts it against `MaxAppendSize`: per event, its data
 * and metadata bytes plus two bytes per UTF-16 unit of its type (the server's `Event.SizeOnDisk`),
 * summed over the events of the call. Data and metadata are counted as the client sends them:
 * JSON in UTF-8, metadata always present (`{}` when the caller gave none).
 */
export function appendSize(events: readonly NewEvent[]): number {
  let bytes = 0;
  for (const event of events) {
    bytes += event.type.length * 2;
    bytes += Buffer.byteLength(JSON.stringify(event.data), 'utf8');
    bytes += Buffer.byteLength(JSON.stringify(event.metadata ?? {}), 'utf8');
  }
  return bytes;
}
