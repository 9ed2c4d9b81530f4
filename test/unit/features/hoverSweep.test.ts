import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Analysis } from '../../../server/src/model/analysis';
import { hover } from '../../../server/src/features/hover';
import { completion } from '../../../server/src/features/completion';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');

/** Every dump the fixtures hold, with the language id its name suggests. */
function dumps(): { file: string; languageId: string }[] {
  const out: { file: string; languageId: string }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) { walk(p); continue; }
      if (/\.(save|rules)$|resaved\.txt$|save-c\.txt$/.test(e.name)) out.push({ file: p, languageId: 'iptables-save' });
      else if (/\.(nvL|nvLx|vLx)(\.txt)?$|\.nvL\.txt$/.test(e.name)) out.push({ file: p, languageId: 'iptables-listing' });
    }
  };
  walk(join(FIXTURES, 'seed'));
  walk(join(FIXTURES, 'corpus'));
  walk(join(FIXTURES, 'reference'));
  return out;
}

test('hover and completion never throw on any fixture, and every rule line has a hover', () => {
  const files = dumps();
  assert.ok(files.length > 30, `only ${files.length} fixture dumps found`);
  let hovers = 0;
  for (const { file, languageId } of files) {
    const text = readFileSync(file, 'utf8');
    const analysis = Analysis.of(text, languageId);
    const lines = text.split('\n');
    for (const table of analysis.ruleset.tables) {
      for (const chain of table.chains) {
        for (const rule of chain.rules) {
          const l = rule.span.line;
          const line = lines[l] ?? '';
          // Probe the start of every word on the rule's line.
          for (let c = 0; c < line.length; c++) {
            if (c > 0 && !(line[c - 1] === ' ' && line[c] !== ' ')) continue;
            const h = hover(analysis, l, c);
            if (c === rule.span.start) assert.ok(h, `${file}:${l + 1}: no hover at the start of a rule`);
            if (h) hovers++;
            completion(analysis, l, c);
          }
        }
      }
    }
  }
  assert.ok(hovers > 1000, `only ${hovers} hovers`);
});
