import { randomUUID } from 'node:crypto';
import type { EsdbDoubleState } from './state.ts';

/*
 * A fresh node's $all is never empty: it writes its own events into `$`-streams before any
 * client appends (the epoch record, default settings, the admin user, projection bookkeeping).
 * A few events of that kind are written into every new state so that a reader of $all meets
 * them as it would in production and has to filter them out. They are modelled on a real node's,
 * not copied from one; their data is only illustrative.
 */

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

const SYSTEM_EVENTS: ReadonlyArray<{ stream: string; type: string; data: unknown }> = [
  // Never in $all: the default $all filter hides this stream (it is readable as a stream).
  { stream: '$epoch-information', type: '$epoch', data: { epochNumber: 0 } },
  { stream: '$settings', type: '$settings', data: { $userStreamAcl: { $r: '$all' } } },
  { stream: '$user-admin', type: '$user', data: { loginName: 'admin', fullName: 'Event Store Administrator' } },
  // A link: with resolveLinkTos it resolves to $user-admin's first event.
  { stream: '$users', type: '$>', data: '0@$user-admin' },
  { stream: '$projections-$all', type: '$ProjectionsInitialized', data: {} },
];

export function writeSystemEvents(state: EsdbDoubleState): void {
  for (const { stream, type, data } of SYSTEM_EVENTS) {
    const isLink = type === '$>';
    state.write(stream, [
      {
        id: randomUUID(),
        type,
        isJson: !isLink,
        data: isLink ? new TextEncoder().encode(String(data)) : json(data),
        metadata: new Uint8Array(),
      },
    ]);
  }
}
