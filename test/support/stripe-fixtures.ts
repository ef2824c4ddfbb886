import { readFileSync } from 'node:fs';
import { isRecord } from '../../domain/is-record.ts';
import { stripeEventEnvelopeSchema, type StripeEventEnvelope } from '../../domain/stripe/envelope.ts';

export type FixtureShape = '2023-10' | 'current';

export const FIXTURE_SHAPES: readonly FixtureShape[] = ['2023-10', 'current'];

/** The API version a webhook endpoint pinned to each fixture file's shape would report. */
export const API_VERSION: Record<FixtureShape, string> = { '2023-10': '2023-10-16', current: '2026-10-28' };

type JsonObject = Record<string, unknown>;

const files: Record<FixtureShape, JsonObject> = {
  '2023-10': load('objects-2023-10.json'),
  current: load('objects-current.json'),
};

/** Stripe's published example objects, carried in the repository (see test/fixtures/stripe/README.md). */
function load(name: string): JsonObject {
  return JSON.parse(readFileSync(new URL(`../fixtures/stripe/${name}`, import.meta.url), 'utf8')) as JsonObject;
}

/**
 * A deep copy of Stripe's example object, with `overrides` merged in: nested objects merge,
 * anything else replaces, and `undefined` removes the key.
 */
export function stripeObject(shape: FixtureShape, name: string, overrides: JsonObject = {}): JsonObject {
  const object = files[shape][name];
  if (!isRecord(object)) throw new Error(`no ${name} in the ${shape} fixtures`);
  return merge(structuredClone(object), overrides);
}

export interface EnvelopeOptions {
  readonly id?: string;
  readonly created?: number;
  readonly apiVersion?: string | null;
  readonly livemode?: boolean;
}

/** A verified webhook body, as the ingest hands it to the domain. */
export function stripeEvent(type: string, object: JsonObject, options: EnvelopeOptions = {}): StripeEventEnvelope {
  return stripeEventEnvelopeSchema.parse({
    id: options.id ?? 'evt_test_1',
    object: 'event',
    api_version: options.apiVersion === undefined ? '2023-10-16' : options.apiVersion,
    created: options.created ?? 1735027200,
    livemode: options.livemode ?? false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  });
}

/** An event around the `shape` fixture `name`, carrying that shape's API version. */
export function fixtureEvent(shape: FixtureShape, type: string, name: string, overrides: JsonObject = {}, options: EnvelopeOptions = {}): StripeEventEnvelope {
  return stripeEvent(type, stripeObject(shape, name, overrides), { apiVersion: API_VERSION[shape], ...options });
}

function merge(target: JsonObject, overrides: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete target[key];
    else if (isRecord(value) && isRecord(target[key])) merge(target[key], value);
    else target[key] = structuredClone(value);
  }
  return target;
}
