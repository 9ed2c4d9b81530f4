/**
 * The trace on every real dump and listing in the fixtures, with a few
 * packets each: it never throws, every branch ends with a verdict, and every
 * step (each line of a run of misses) points at a line of the file that
 * belongs to the chain it names.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Analysis } from '../../../server/src/model/analysis';
import { trace } from '../../../server/src/trace';

const ROOT = join(__dirname, '..', '..', 'fixtures');

function files(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(md|json)$/.test(e) || e.includes('stderr') ? [] : [p];
  });
}

const PACKETS4 = [
  'tcp 192.0.2.1:40000 -> 198.51.100.7:22 in eth0',
  'udp 192.0.2.1:40000 -> 198.51.100.7:53 in eth0 out eth1',
  'icmp 192.0.2.1 -> 198.51.100.7 in eth0',
  'tcp 198.51.100.7:80 -> 192.0.2.1:40000 from local out eth0',
  'tcp 192.0.2.1:40000 -> 198.51.100.7:443 in eth0 state ESTABLISHED',
];
const PACKETS6 = [
  'tcp [2001:db8::1]:40000 -> [2001:db8::7]:22 in eth0',
  'icmpv6 2001:db8::1 -> 2001:db8::7 in eth0 out eth1',
];

test('the trace answers every fixture without throwing, and its steps point at their rules', () => {
  let traced = 0;
  for (const file of files(ROOT)) {
    const text = readFileSync(file, 'utf8');
    const analysis = Analysis.of(text);
    const lines = text.split('\n');
    for (const packet of analysis.ruleset.family === 'ipv6' ? PACKETS6 : PACKETS4) {
      const r = trace(analysis, packet, { branchLimit: 16 });
      assert.equal(r.error, undefined, `${file}: ${r.error?.message}`);
      for (const b of r.result!.branches) {
        assert.ok(b.verdict, `${file}: a branch without a verdict`);
        for (const s of b.steps) {
          if (s.rule === null || s.line === null) continue;
          // A run of misses stands for one rule per line, each of which must be a rule of its chain.
          const last = s.lastLine ?? s.line;
          if (s.lastRule !== undefined) {
            assert.equal(s.result, 'no-match', `${file}: a run that is not a no-match`);
            assert.ok(s.lastRule > s.rule && last - s.line === s.lastRule - s.rule, `${file}: run #${s.rule}–#${s.lastRule} on lines ${s.line}–${last}`);
          }
          for (let line = s.line; line <= last; line++) {
            assert.ok(line >= 1 && line <= lines.length, `${file}: step line ${line} outside the file`);
            if (analysis.ruleset.format === 'save') {
              assert.match(lines[line - 1], new RegExp(`-[AI] ${s.chain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`), `${file}:${line} is not a rule of ${s.chain}`);
            }
          }
        }
      }
      traced++;
    }
  }
  assert.ok(traced > 100, `only ${traced} traces`);
});
