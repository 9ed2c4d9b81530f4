/**
 * No check throws on any fixture, in either format (runChecks would hide a
 * failing check, so each is called on its own here), and every problem's
 * range lies inside the text.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKS } from '../../../server/src/checks';
import { Analysis } from '../../../server/src/model/analysis';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');

function files(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

test('every check runs on every fixture without throwing, with ranges inside the text', () => {
  let checked = 0;
  for (const file of files(FIXTURES)) {
    const text = readFileSync(file, 'utf8');
    if (text.includes('\0')) continue;
    const analysis = Analysis.of(text);
    const lines = text.split('\n');
    for (const check of CHECKS) {
      let problems;
      try {
        problems = check(analysis);
      } catch (e) {
        assert.fail(`${check.name} threw on ${relative(FIXTURES, file)}: ${(e as Error).stack}`);
      }
      for (const p of problems) {
        const where = `${check.name} ${p.code} on ${relative(FIXTURES, file)}:${p.span.line + 1}`;
        assert.ok(p.span.line >= 0 && p.span.endLine < lines.length, where);
        assert.ok(p.span.end <= lines[p.span.endLine].length && p.span.start >= 0, where);
      }
    }
    checked++;
  }
  assert.ok(checked > 100);
});
