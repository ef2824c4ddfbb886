import { expect } from 'chai';
import fc from 'fast-check';
import { decodeUtf8, MAX_JSON_DEPTH, storableJson } from '../../domain/storable-json.ts';
import { scrubCardData } from '../../domain/stripe/scrub-card-data.ts';

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

/** What jsonb refuses in JSON text: an escaped NUL, or an escaped surrogate that is not half of a pair. */
const JSONB_REFUSES = /\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i;

describe('storableJson', () => {
  it('returns a value jsonb can hold as it is, unrepaired', () => {
    const value = { id: 'evt_1', data: { object: { description: 'Pro plan 🚀', lines: [1, 'two', null, true] } } };
    expect(storableJson(value)).to.deep.equal({ ok: true, value, repaired: [] });
    expect((storableJson(value) as { value: unknown }).value).to.equal(value);
  });

  it('replaces a NUL in a value or a key with U+FFFD', () => {
    expect(storableJson({ a: 'x\u0000y' })).to.deep.equal({ ok: true, value: { a: 'x\uFFFDy' }, repaired: ['nul_character'] });
    expect(storableJson({ 'k\u0000': ['\u0000'] })).to.deep.equal({ ok: true, value: { 'k\uFFFD': ['\uFFFD'] }, repaired: ['nul_character'] });
  });

  it('replaces each lone surrogate, high or low, in values and keys, and keeps real pairs', () => {
    const result = storableJson({ high: 'a\ud83d', low: '\ude80b', swapped: '\ude80\ud83d', pair: '\ud83d\ude80', ['k\udc00']: 1 });
    expect(result).to.deep.equal({
      ok: true,
      value: { high: 'a\uFFFD', low: '\uFFFDb', swapped: '\uFFFD\uFFFD', pair: '🚀', ['k\uFFFD']: 1 },
      repaired: ['lone_surrogate'],
    });
  });

  it('names every reason it found, once', () => {
    expect(storableJson(['\u0000', '\ud800', { '\u0000': '\udfff' }])).to.deep.include({ repaired: ['lone_surrogate', 'nul_character'] });
  });

  it('keeps key order, keeps a "__proto__" key as a key, and lets the last of two keys that became one win', () => {
    const value = JSON.parse('{"b":"\\u0000","__proto__":{"polluted":true},"a\\u0000":1,"a\\ud800":2,"c":3}') as Record<string, unknown>;
    const { value: copy } = storableJson(value) as { value: Record<string, unknown> };
    expect(Object.keys(copy)).to.deep.equal(['b', '__proto__', 'a\uFFFD', 'c']);
    expect(copy['a\uFFFD']).to.equal(2);
    expect(Object.getPrototypeOf(copy)).to.equal(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).to.deep.equal({ polluted: true });
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses ${MAX_JSON_DEPTH + 1}`, () => {
    expect(storableJson(nested(MAX_JSON_DEPTH)).ok).to.equal(true);
    expect(storableJson(nested(MAX_JSON_DEPTH + 1))).to.deep.include({ ok: false, reason: 'nesting_too_deep' });
    expect(storableJson({ a: { b: [{}] } }, 4).ok).to.equal(true);
    expect(storableJson({ a: { b: [{}] } }, 3).ok).to.equal(false);
  });

  it('walks half a million levels without running out of stack, and hands back only the repaired top-level scalars', () => {
    const body = JSON.parse(`{"id":"evt_\\u0000","created":1,"livemode":false,"nothing":null,"data":${'['.repeat(500_000)}${']'.repeat(500_000)}}`);
    expect(storableJson(body)).to.deep.equal({
      ok: false,
      reason: 'nesting_too_deep',
      topLevelScalars: { id: 'evt_\uFFFD', created: 1, livemode: false, nothing: null },
    });
  });

  it('leaves nothing jsonb refuses, and changes nothing it accepts (property)', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d\ude80', 'a'), fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code))) });
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value')), fc.dictionary(text, tie('value'))),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        const result = storableJson(value);
        if (!result.ok) return;
        expect(JSON.stringify(result.value)).not.to.match(JSONB_REFUSES);
        if (!JSONB_REFUSES.test(JSON.stringify(value))) expect(result.value).to.equal(value);
      }),
    );
  });

  it('keeps card scrubbing, which recurses, safe on anything it lets through', () => {
    const { value } = storableJson(nested(MAX_JSON_DEPTH)) as { value: unknown[] };
    expect(() => scrubCardData({ deep: value })).not.to.throw();
  });
});

describe('decodeUtf8', () => {
  it('decodes UTF-8, and says when bytes were not UTF-8', () => {
    expect(decodeUtf8(Buffer.from('{"a":"é🚀"}'))).to.deep.equal({ text: '{"a":"é🚀"}', invalidUtf8: false });
    expect(decodeUtf8(Buffer.from([0x7b, 0xff, 0x7d]))).to.deep.equal({ text: '{\uFFFD}', invalidUtf8: true });
  });

  it('keeps a byte-order mark in the text, as Buffer#toString does', () => {
    expect(decodeUtf8(Buffer.from('\uFEFF{}')).text).to.equal('\uFEFF{}');
  });
});
