/**
 * The long robustness run: `npm run fuzz [-- CASES [SEED]]` (default 100000
 * cases). Prints the seed, the number of cases and feature calls, the slowest
 * single call, and on failure the shrunk counterexample to reproduce it.
 */
import fc from 'fast-check';
import { fuzzProperty, seedDumps } from '../test/support/fuzz';
import '../test/support/fuzzExtras';

const runs = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const seeds = seedDumps();
let cases = 0;
let calls = 0;
let slowest = { ms: 0, what: '' };
const started = Date.now();
console.log(`fuzz: ${runs} cases over ${seeds.length} seed dumps, seed ${seed}`);
const result = fc.check(
  fuzzProperty(seeds, (r) => {
    cases++;
    calls += r.calls;
    if (r.slowestMs > slowest.ms) slowest = { ms: r.slowestMs, what: r.slowest };
    if (cases % 10_000 === 0) console.log(`  ${cases} cases, ${calls} calls, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }),
  { numRuns: runs, seed },
);
console.log(`fuzz: ${cases} cases, ${calls} feature calls in ${((Date.now() - started) / 1000).toFixed(0)} s; slowest call ${slowest.ms.toFixed(1)} ms (${slowest.what})`);
if (result.failed) {
  console.log(fc.defaultReportMessage(result));
  process.exit(1);
}
console.log('fuzz: no failures');
