// Runs the test suites with node's own test runner (TypeScript through tsx).
// `node scripts/test.mjs` runs unit, grammar, protocol and kernel tests;
// `node scripts/test.mjs unit kernel` runs only those folders.
import { readdirSync, statSync } from 'fs';
import { join } from 'path';
import { spawnSync } from 'child_process';

const all = ['unit', 'grammar', 'protocol', 'kernel'];
const suites = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const chosen = suites.length ? suites : all;

function collect(dir) {
  let out = [];
  let entries = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries.sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(collect(p));
    else if (e.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = chosen.flatMap((s) => collect(join('test', s)));
if (!files.length) {
  console.error('no test files found in', chosen.join(', '));
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
