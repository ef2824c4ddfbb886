import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import { allFilter, defaultAllFilter, type EventPredicate } from './filter.ts';
import type { AllFrom, AllReadRequest, StreamFrom, StreamReadRequest } from './read.ts';
import type { AllSubscriptionFilter, AllSubscriptionRequest, StreamSubscriptionRequest } from './subscription.ts';
import { handlerFailed, invalidArgument, streamName, UINT64_MAX, type EventOptions } from './wire.ts';

/*
 * Which of the node's read operations a ReadReq asks for, checked as the node checks it: the
 * UUID option is required, and only these combinations exist: a stream or $all with a count,
 * either direction (a filter only on $all); a subscription forwards to a stream (no filter) or to
 * $all (with or without a filter).
 */

const { ReadReq } = streamsPb;
type ReadRequest = InstanceType<typeof ReadReq>;
type Options = InstanceType<typeof ReadReq.Options>;
const { StreamOptionCase, CountOptionCase, FilterOptionCase, ReadDirection } = ReadReq.Options;

export type ReadOperation =
  | { readonly kind: 'read-stream'; readonly request: StreamReadRequest }
  | { readonly kind: 'read-all'; readonly request: AllReadRequest }
  | { readonly kind: 'subscribe-stream'; readonly request: StreamSubscriptionRequest }
  | { readonly kind: 'subscribe-all'; readonly request: AllSubscriptionRequest };

const DEFAULT_SEARCH_WINDOW = 32;
const LONG_MAX = 2n ** 63n - 1n;

function streamFrom(options: Options): StreamFrom {
  const stream = options.getStream()!;
  const Case = ReadReq.Options.StreamOptions.RevisionOptionCase;
  switch (stream.getRevisionOptionCase()) {
    case Case.START:
      return 'start';
    case Case.END:
      return 'end';
    case Case.REVISION: {
      const revision = BigInt(stream.getRevision());
      return revision === UINT64_MAX ? 'end' : revision;
    }
    default:
      throw handlerFailed();
  }
}

function allFrom(options: Options): AllFrom {
  const all = options.getAll()!;
  const Case = ReadReq.Options.AllOptions.AllOptionCase;
  switch (all.getAllOptionCase()) {
    case Case.START:
      return 'start';
    case Case.END:
      return 'end';
    case Case.POSITION: {
      const position = all.getPosition()!;
      const commit = BigInt(position.getCommitPosition());
      const prepare = BigInt(position.getPreparePosition());
      if (commit === UINT64_MAX && prepare === UINT64_MAX) return 'end';
      // The node's Position refuses these when it is built.
      if (commit < prepare || commit > LONG_MAX || prepare > LONG_MAX) throw handlerFailed();
      return { commit, prepare };
    }
    default:
      throw handlerFailed();
  }
}

function filterOf(options: Options): { predicate: EventPredicate; maxSearchWindow: number; multiplier: number } {
  const filter = options.getFilter()!;
  const FilterCase = ReadReq.Options.FilterOptions.FilterCase;
  const WindowCase = ReadReq.Options.FilterOptions.WindowCase;
  let maxSearchWindow: number;
  switch (filter.getWindowCase()) {
    case WindowCase.MAX:
      maxSearchWindow = filter.getMax();
      break;
    case WindowCase.COUNT:
      maxSearchWindow = DEFAULT_SEARCH_WINDOW;
      break;
    default:
      throw invalidArgument(`'${filter.getWindowCase()}' is not a valid WindowOneofCase`);
  }
  const filterCase = filter.getFilterCase();
  if (filterCase !== FilterCase.STREAM_IDENTIFIER && filterCase !== FilterCase.EVENT_TYPE) {
    throw invalidArgument(`'${filterCase}' is not a valid FilterOptions`);
  }
  const expression = filterCase === FilterCase.STREAM_IDENTIFIER ? filter.getStreamIdentifier()! : filter.getEventType()!;
  let predicate: EventPredicate;
  try {
    predicate = allFilter({
      on: filterCase === FilterCase.STREAM_IDENTIFIER ? 'stream' : 'eventType',
      regex: expression.getRegex(),
      prefixes: expression.getPrefixList(),
    });
  } catch {
    throw handlerFailed();
  }
  return { predicate, maxSearchWindow, multiplier: filter.getCheckpointintervalmultiplier() };
}

export function parseReadRequest(request: ReadRequest): ReadOperation {
  const options = request.getOptions();
  if (!options) throw handlerFailed();
  if (!options.hasUuidOption()) throw invalidArgument(' `uuidOption` is a required argument of type UUIDOption');
  const eventOptions: EventOptions = {
    resolveLinks: options.getResolveLinks(),
    structuredIds: options.getUuidOption()!.hasStructured(),
  };
  const target = options.getStreamOptionCase();
  if (target !== StreamOptionCase.STREAM && target !== StreamOptionCase.ALL) {
    throw invalidArgument(`'${target}' is not a valid StreamOptionOneofCase`);
  }
  const countCase = options.getCountOptionCase();
  const filterCase = options.getFilterOptionCase();
  const backwards = options.getReadDirection() === ReadDirection.BACKWARDS;
  const invalidCombination = () =>
    invalidArgument(`The combination of (${target}, ${countCase}, ${options.getReadDirection()}, ${filterCase}) is invalid.`);

  if (filterCase !== FilterOptionCase.FILTER && filterCase !== FilterOptionCase.NO_FILTER) throw invalidCombination();
  const filtered = filterCase === FilterOptionCase.FILTER;

  if (countCase === CountOptionCase.COUNT) {
    const count = BigInt(options.getCount());
    if (target === StreamOptionCase.STREAM) {
      if (filtered) throw invalidCombination();
      const stream = streamName(options.getStream()!.getStreamIdentifier());
      return { kind: 'read-stream', request: { stream, from: streamFrom(options), backwards, count, eventOptions } };
    }
    const predicate = filtered ? filterOf(options).predicate : defaultAllFilter;
    return { kind: 'read-all', request: { from: allFrom(options), backwards, count, predicate, eventOptions } };
  }

  if (countCase !== CountOptionCase.SUBSCRIPTION || backwards) throw invalidCombination();
  if (target === StreamOptionCase.STREAM) {
    if (filtered) throw invalidCombination();
    const stream = streamName(options.getStream()!.getStreamIdentifier());
    return { kind: 'subscribe-stream', request: { stream, from: streamFrom(options), eventOptions } };
  }
  let filter: AllSubscriptionFilter | null = null;
  if (filtered) {
    const { predicate, maxSearchWindow, multiplier } = filterOf(options);
    // The node refuses a zero multiplier when it builds the subscription.
    if (multiplier === 0 || maxSearchWindow === 0) throw handlerFailed();
    filter = { predicate, maxSearchWindow, checkpointInterval: multiplier * maxSearchWindow };
  }
  return {
    kind: 'subscribe-all',
    request: { from: allFrom(options), predicate: filter?.predicate ?? defaultAllFilter, filter, eventOptions },
  };
}
