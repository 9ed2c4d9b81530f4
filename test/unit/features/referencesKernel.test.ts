/**
 * Reference counts against the kernel: every `Chain X (N references)` header
 * in the kernel-made listings of the corpus (`*.nvL.txt`, `*.nvLx.txt`) is
 * iptables' own count of the rules that jump or go to X. Our count of jumps
 * (what CodeLens and the outline show) must agree with it, and with the
 * same ruleset read in save and `-S` form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { Analysis } from '../../../server/src/model/analysis';
import { jumpsTo } from '../../../server/src/features/chainOccurrences';

const CORPUS = join(__dirname, '..', '..', 'fixtures', 'corpus');

function listings(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...listings(p));
    else if (/\.nvLx?\.txt$/.test(e)) out.push(p);
  }
  return out.sort();
}

/** chain → jump count, per table name, for one parsed dump. */
function counts(a: Analysis): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of a.ruleset.tables) {
    for (const c of t.chains) if (!c.builtin) out.set(`${t.name}/${c.name}`, jumpsTo(a, t, c.name).length);
  }
  return out;
}

const files = listings(CORPUS);
let comparedInAll = 0;

test('the corpus has kernel-made listings to compare with', () => {
  assert.ok(files.length >= 20, `found ${files.length}`);
});

for (const file of files) {
  const name = file.slice(CORPUS.length + 1);
  test(`references agree with the kernel's "(N references)": ${name}`, () => {
    const a = Analysis.of(readFileSync(file, 'utf8'), 'iptables-listing');
    let compared = 0;
    for (const t of a.ruleset.tables) {
      for (const c of t.chains) {
        if (c.builtin || c.listedReferences === undefined) continue;
        assert.equal(jumpsTo(a, t, c.name).length, c.listedReferences, `${t.name}/${c.name}`);
        compared++;
        comparedInAll++;
      }
    }
    // The same ruleset as iptables-save printed it, when the corpus has it.
    const save = file.replace(/\.nvLx?\.txt$/, '.save');
    if (compared && existsSync(save)) {
      const fromListing = counts(a);
      const fromSave = counts(Analysis.of(readFileSync(save, 'utf8'), 'iptables-save'));
      for (const [key, n] of fromListing) if (fromSave.has(key)) assert.equal(fromSave.get(key), n, `${key} in ${save}`);
    }
  });
}

test('enough user chains were compared to mean something', () => {
  assert.ok(comparedInAll >= 100, `compared ${comparedInAll} chains`);
});
