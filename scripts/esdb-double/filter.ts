import type { StoredEvent } from './state.ts';

/*
 * Which events a read or subscription of $all passes on, as a node's event filters decide.
 * Even without a filter, $all hides a node's bookkeeping streams ($epoch-information and the
 * checkpoint and parked-message streams of persistent subscriptions to $all) but shows every
 * other `$`-stream, so readers see system events. A filter (stream-name or event-type, prefixes
 * or one regular expression searched anywhere in the name) is applied on top of that rule.
 * JavaScript's RegExp stands in for .NET's Regex: they agree on the usual syntax (anchors,
 * classes, alternation), not on every construct.
 */

export type EventPredicate = (event: StoredEvent) => boolean;

const PS_ALL = '$persistentsubscription-$all::';

export const defaultAllFilter: EventPredicate = ({ stream }) =>
  !stream.startsWith('$') ||
  !(
    stream === '$epoch-information' ||
    (stream.startsWith(PS_ALL) && (stream.endsWith('-checkpoint') || stream.endsWith('-parked')))
  );

export interface FilterExpression {
  readonly on: 'stream' | 'eventType';
  readonly regex: string;
  readonly prefixes: readonly string[];
}

/** A filter over $all; throws (as the node does) when the regular expression does not compile. */
export function allFilter(expression: FilterExpression): EventPredicate {
  const field = (event: StoredEvent) => (expression.on === 'stream' ? event.stream : event.type);
  if (expression.regex !== '') {
    const regex = new RegExp(expression.regex);
    return (event) => defaultAllFilter(event) && regex.test(field(event));
  }
  const prefixes = [...expression.prefixes];
  return (event) => defaultAllFilter(event) && prefixes.some((prefix) => field(event).startsWith(prefix));
}
