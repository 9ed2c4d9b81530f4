import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Analysis } from '../../../server/src/model/analysis';
import { explainCommand } from '../../../server/src/features/hover';

const seed = readFileSync(join(__dirname, '..', '..', 'fixtures', 'seed', 'heketi-nat.save'), 'utf8');

function output(r: { output: string } | { error: string }): string {
  assert.ok('output' in r, 'error' in r ? r.error : '');
  return r.output;
}

test('explain --chain prints the chain, its Service and each rule in words', () => {
  const out = output(explainCommand(Analysis.of(seed, 'iptables-save'), { chain: 'KUBE-SVC-7RUAH544RSSBQYKK' }));
  assert.deepEqual(out.split('\n').slice(1), [
    '  Service default/heketi → 10.254.20.8:8080 100%',
    '  1. Every packet → jump to KUBE-SEP-IWORYNCAYHBSQHXU (endpoint 10.254.20.8:8080)',
  ]);
  assert.match(out.split('\n')[0], /^nat KUBE-SVC-7RUAH544RSSBQYKK — kube-proxy: /);
});

test('explain: jumps to Service chains are named by their Service', () => {
  const out = output(explainCommand(Analysis.of(seed, 'iptables-save'), { chain: 'KUBE-SERVICES' }));
  assert.ok(out.includes('  6. TCP to 10.96.125.27 port 8080 → jump to KUBE-SVC-7RUAH544RSSBQYKK (Service default/heketi)'), out);
});

test('explain --at prints the hover at a 1-based position without markdown emphasis', () => {
  const lines = seed.split('\n');
  const l = lines.findIndex((x) => x.includes('-m mark --mark 0x4000/0x4000'));
  const c = lines[l].indexOf('0x4000/0x4000');
  const out = output(explainCommand(Analysis.of(seed, 'iptables-save'), { at: `${l + 1}:${c + 1}` }));
  assert.match(out, /^--mark of -m mark/);
  assert.match(out, /Here: bit 0x4000 is set/);
});

test('explain reports bad positions and unknown chains', () => {
  const a = Analysis.of(seed, 'iptables-save');
  assert.deepEqual(explainCommand(a, { at: '0:1' }), { error: '--at needs LINE:COLUMN counted from 1, not "0:1"' });
  assert.deepEqual(explainCommand(a, { chain: 'NOPE' }), { error: 'no chain named NOPE' });
  assert.ok('error' in explainCommand(a, { at: '1:1' }), 'the header comment has nothing to explain');
});
