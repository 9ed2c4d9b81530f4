import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzzProperty, seedDumps, type CaseResult } from '../../support/fuzz';
import '../../support/fuzzExtras';

// A short run for every `npm test`; `npm run fuzz` runs the long one.
test('mutated real dumps never make a feature throw (short property run)', () => {
  const seeds = seedDumps();
  assert.ok(seeds.length > 50, `expected the fixture dumps as seeds, found ${seeds.length}`);
  let cases = 0;
  let calls = 0;
  fc.assert(fuzzProperty(seeds, (r: CaseResult) => { cases++; calls += r.calls; }), { numRuns: 150, seed: 20261127 });
  assert.equal(cases, 150);
  assert.ok(calls > cases * 10, 'every case runs the features');
});
