import { randomUUID } from 'node:crypto';
import type { EventStore, Json, NewEvent } from '../../../domain/ports/event-store.ts';

/*
 * A log worth copying: tenant streams, `unrouted` and a provisioning stream written in
 * interleaved appends of one to three events, with nested data and metadata whose keys come in
 * no particular order, text in several scripts, and one parked event re-routed into its tenant
 * stream with the same id (one id in two categories).
 */

/** A small deterministic generator, so a failing log can be made again. */
function generator(seed: number): (below: number) => number {
  let state = seed >>> 0 || 1;
  return (below) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % below;
  };
}

const WORDS = ['Zürich', '東京', 'Ελλάδα', 'مرحبا', 'naïve café', '💳 payment', 'plain', 'ümlaut ß', 'emoji 👩‍👩‍👧', 'tab\tand "quotes"'];
const TYPES = ['InvoicePaid', 'SubscriptionUpdated', 'StripeEventRecorded', 'ChargeRefunded', 'ProvisioningStepDone'];

function eventFor(n: number, pick: (below: number) => number, tenantId: string | null): NewEvent {
  const word = WORDS[pick(WORDS.length)]!;
  // Keys in a shuffled order: the copy and its checks must not depend on it.
  const fields: [string, Json][] = [
    ['amount', pick(1_000_000)],
    ['currency', ['usd', 'eur', 'jpy', 'bhd'][pick(4)]!],
    ['description', `${word} #${n}`],
    ['lines', Array.from({ length: pick(3) }, (_, i) => ({ [`k${i}`]: word, quantity: i + 1, ratio: 0.25 * i }))],
    ['nested', { z: { y: { x: [null, true, false, -1, 9_007_199_254_740_991] } }, a: word }],
    ['tenant', tenantId],
  ];
  for (let i = fields.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [fields[i], fields[j]] = [fields[j]!, fields[i]!];
  }
  const metadata: { [key: string]: Json } = { stripeEventId: `evt_${n}`, 'ключ': word, receivedAt: 1_767_225_600 + n };
  if (n % 7 === 0) metadata.deliveredBody = { reasons: ['nul'], base64: Buffer.from(`body ${n} ${word}`).toString('base64') };
  return { id: randomUUID(), type: TYPES[pick(TYPES.length)]!, data: Object.fromEntries(fields), metadata };
}

export interface SeededLog {
  readonly events: number;
  readonly streams: readonly string[];
}

/** Appends about `events` events (exactly that many) to `store`. */
export async function seedLog(store: EventStore, options: { events: number; seed?: number; tenants?: number }): Promise<SeededLog> {
  const pick = generator(options.seed ?? 20_261_127);
  const tenantIds = Array.from({ length: options.tenants ?? 8 }, () => randomUUID());
  const streams = [...tenantIds.map((id) => `tenant-${id}`), 'unrouted', `provisioning-${tenantIds[0]}`];
  let written = 0;
  let rerouted = false;
  while (written < options.events) {
    const stream = streams[pick(streams.length)]!;
    const tenantId = stream.startsWith('tenant-') ? stream.slice('tenant-'.length) : null;
    const batch = Array.from({ length: Math.min(1 + pick(3), options.events - written) }, (_, i) => eventFor(written + i, pick, tenantId));
    await store.append(stream, batch, { expectedRevision: 'any' });
    written += batch.length;
    // Once: a parked event re-routed to its tenant keeps its id in another category.
    if (!rerouted && stream === 'unrouted' && written < options.events) {
      await store.append(streams[0]!, [batch[0]!], { expectedRevision: 'any' });
      written++;
      rerouted = true;
    }
  }
  return { events: written, streams };
}
