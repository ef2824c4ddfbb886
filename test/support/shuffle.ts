import { createHash, randomInt } from 'node:crypto';

/**
 * `TEST_SHUFFLE=<seed>` (digits) runs the suite in an order the seed picks and repeats;
 * `TEST_SHUFFLE=random` picks the seed. Unset, nothing changes. Mocha has no shuffle of its own,
 * and a test that only passes after another has run hides until someone runs it alone.
 *
 * How: this is a root hook plugin (`require` in .mocharc.json). Its `beforeAll` runs on the root
 * suite once every test file has been imported (ESM files load asynchronously, so nothing that
 * runs while they load sees the whole tree) and before any describe has started; mocha reads a
 * suite's `tests` and `suites` arrays only when it reaches that suite, so reordering them in
 * place here is all it takes, with no mocha internals patched.
 *
 * The order: within each describe, its tests and its child describes are sorted by
 * sha256(seed, full title), a seeded pseudo-random permutation. Because a test's key does not
 * depend on which other tests were loaded, tests keep their relative order when the same seed
 * runs one file or a `--grep` of it: a failing order can be replayed and narrowed down.
 */

const seed = readSeed(process.env.TEST_SHUFFLE);

function readSeed(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'random') return String(randomInt(1, 1_000_000_000));
  if (/^\d{1,15}$/.test(value)) return value;
  throw new Error(`TEST_SHUFFLE must be a seed (digits) or "random", not ${JSON.stringify(value)}`);
}

type Item = Mocha.Suite | Mocha.Test;

const key = (item: Item) => createHash('sha256').update(`${seed}\0${item.fullTitle()}`).digest('hex');

function byKey<T extends Item>(items: T[]): void {
  const keys = new Map(items.map((item) => [item, key(item)]));
  items.sort((a, b) => keys.get(a)!.localeCompare(keys.get(b)!));
}

function shuffle(suite: Mocha.Suite): void {
  byKey(suite.tests);
  byKey(suite.suites);
  for (const child of suite.suites) shuffle(child);
}

// On stderr: a reporter may own stdout (--reporter json).
const announce = () => console.error(`  tests shuffled: TEST_SHUFFLE=${seed} repeats this order\n`);

export const mochaHooks: Mocha.RootHookObject = seed === undefined
  ? {}
  : {
      beforeAll(this: Mocha.Context) {
        announce();
        // The hook's own runnable belongs to the root suite.
        shuffle(this.test!.parent!);
      },
      afterAll: announce,
    };
