import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'fs';
import { join } from 'path';
import { lineDecorations, stepNote } from '../../../client/src/trace/decorationText';
import type { TraceBranch } from '../../../server/src/protocol';
import { parse } from '../../../server/src/model/parse';
import { trace } from '../../../server/src/trace';
import { seedBranch, threeEndpoints } from './traceResults';

const seed = readFileSync(join(__dirname, '../../fixtures/seed/heketi-nat.save'), 'utf8').split('\n');

/** Decorations keyed by the text of the line they sit on (first 40 characters), so the test reads like the dump. */
function byText(branch: TraceBranch): [string, string, string, string][] {
  return lineDecorations(branch).map((d) => [seed[d.line].slice(0, 40), d.kind, d.before, d.after]);
}

test('the seed trace: every evaluated rule numbered and marked, notes after the path the packet took', () => {
  assert.deepEqual(byText(seedBranch), [
    [':KUBE-MARK-MASQ - [0:0]', 'info', '7·', '↩ back to the caller'],
    [':cali-POSTROUTING - [0:0]', 'info', '13·', '↩ back to the caller'],
    [':cali-PREROUTING - [0:0]', 'info', '2·', '↩ back to the caller'],
    ['-A PREROUTING -m comment --comment "cali', 'match', '1✓', '→ cali-PREROUTING'],
    ['-A PREROUTING -m comment --comment "kube', 'match', '3✓', '→ KUBE-SERVICES'],
    ['-A POSTROUTING -m comment --comment "cal', 'match', '12✓', '→ cali-POSTROUTING'],
    ['-A POSTROUTING -m comment --comment "kub', 'match', '14✓', '→ KUBE-POSTROUTING'],
    ['-A KUBE-MARK-MASQ -j MARK --set-xmark 0x', 'match', '6✓', 'mark |= 0x4000'],
    ['-A KUBE-POSTROUTING -m comment --comment', 'match', '15✓', 'MASQUERADE'],
    ['-A KUBE-SEP-IWORYNCAYHBSQHXU -s 10.254.2', 'noMatch', '10✗', ''],
    ['-A KUBE-SEP-IWORYNCAYHBSQHXU -p tcp -m c', 'match', '11✓', 'DNAT → 10.254.20.8:8080'],
    // Step 4 is the run of KUBE-SERVICES rules 1–4: each of its four lines is marked with it.
    ['-A KUBE-SERVICES ! -s 10.254.0.0/16 -d 1', 'noMatch', '4✗', ''],
    ['-A KUBE-SERVICES -d 10.96.0.10/32 -p udp', 'noMatch', '4✗', ''],
    ['-A KUBE-SERVICES ! -s 10.254.0.0/16 -d 1', 'noMatch', '4✗', ''],
    ['-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp', 'noMatch', '4✗', ''],
    ['-A KUBE-SERVICES ! -s 10.254.0.0/16 -d 1', 'match', '5✓', '→ KUBE-MARK-MASQ'],
    ['-A KUBE-SERVICES -d 10.96.125.27/32 -p t', 'match', '8✓', '→ KUBE-SVC-7RUAH544RSSBQYKK'],
    ['-A KUBE-SVC-7RUAH544RSSBQYKK -m comment ', 'match', '9✓', '→ KUBE-SEP-IWORYNCAYHBSQHXU'],
  ]);
});

test('a run of misses: every line from its first to its last carries the run\'s step number, and the hover names the rules', () => {
  const run = lineDecorations(seedBranch).filter((d) => d.steps.includes(4));
  assert.deepEqual(run.map((d) => [d.line + 1, d.kind, d.before, d.steps]), [
    [30, 'noMatch', '4✗', [4]], [31, 'noMatch', '4✗', [4]], [32, 'noMatch', '4✗', [4]], [33, 'noMatch', '4✗', [4]],
  ]);
  for (const d of run) assert.equal(d.hover, 'Step 4 ✗ PREROUTING · nat KUBE-SERVICES: rules 1–4 did not match');
  // A run as long as a 10k-Service KUBE-SERVICES: 9815 lines, 30 to 9844, all of them marked.
  const long: TraceBranch = {
    ...seedBranch,
    steps: [
      { hook: 'PREROUTING', table: 'nat', chain: 'KUBE-SERVICES', rule: 1, line: 30, lastRule: 9815, lastLine: 9844, result: 'no-match', action: 'JUMP:KUBE-SVC-A' },
      { hook: 'PREROUTING', table: 'nat', chain: 'KUBE-SERVICES', rule: 9816, line: 9845, result: 'match', action: 'JUMP:KUBE-SVC-B' },
    ],
  };
  const all = lineDecorations(long);
  assert.equal(all.length, 9816);
  assert.deepEqual([all[0].line + 1, all[9814].line + 1, all[9815].line + 1], [30, 9844, 9845]);
  assert.ok(all.slice(0, 9815).every((d, i) => d.line === 29 + i && d.kind === 'noMatch' && d.before === '1✗'));
  assert.equal(all[9814].hover, 'Step 1 ✗ PREROUTING · nat KUBE-SERVICES: rules 1–9815 did not match');
  assert.deepEqual([all[9815].kind, all[9815].before], ['match', '2✓']);
});

test('rules never reached stay plain: no decoration on the later Services, the OUTPUT rules or COMMIT', () => {
  const decorated = new Set(lineDecorations(seedBranch).map((d) => d.line + 1));
  for (const line of [22, 23, 36, 37, 38, 39, 40, 42]) assert.ok(!decorated.has(line), `line ${line} is decorated`);
});

test('a line met twice (a chain entered twice) carries both step numbers and both notes', () => {
  const twice: TraceBranch = {
    ...seedBranch,
    steps: [
      { hook: 'PREROUTING', table: 'nat', chain: 'KUBE-MARK-MASQ', rule: 1, line: 26, result: 'match', action: 'CONTINUE', note: 'mark |= 0x4000' },
      { hook: 'PREROUTING', table: 'nat', chain: 'X', rule: 1, line: 30, result: 'no-match', action: 'ACCEPT' },
      { hook: 'OUTPUT', table: 'nat', chain: 'KUBE-MARK-MASQ', rule: 1, line: 26, result: 'match', action: 'CONTINUE', note: 'mark |= 0x4000' },
      { hook: 'OUTPUT', table: 'nat', chain: 'X', rule: 1, line: 30, result: 'match', action: 'ACCEPT' },
    ],
  };
  assert.deepEqual(lineDecorations(twice).map((d) => [d.line + 1, d.kind, d.before, d.after, d.steps]), [
    [26, 'match', '1✓ 3✓', '1: mark |= 0x4000 · 3: mark |= 0x4000', [1, 3]],
    // Not matched the first time, matched the second: the match colours the line, the markers tell both.
    [30, 'match', '2✗ 4✓', '4: ACCEPT', [2, 4]],
  ]);
  // A run met again on one of its lines: that line carries both, the others the run alone.
  const again: TraceBranch = {
    ...seedBranch,
    steps: [
      { hook: 'PREROUTING', table: 'nat', chain: 'KUBE-SERVICES', rule: 1, line: 30, lastRule: 3, lastLine: 32, result: 'no-match', action: 'JUMP:KUBE-MARK-MASQ' },
      { hook: 'OUTPUT', table: 'nat', chain: 'KUBE-SERVICES', rule: 1, line: 30, result: 'no-match', action: 'JUMP:KUBE-MARK-MASQ' },
      { hook: 'OUTPUT', table: 'nat', chain: 'KUBE-SERVICES', rule: 2, line: 31, result: 'match', action: 'JUMP:KUBE-SVC-TCOU7JCQXEZGVUNU' },
    ],
  };
  assert.deepEqual(lineDecorations(again).map((d) => [d.line + 1, d.kind, d.before, d.steps]), [
    [30, 'noMatch', '1✗ 2✗', [1, 2]],
    [31, 'match', '1✗ 3✓', [1, 3]],
    [32, 'noMatch', '1✗', [1]],
  ]);
});

test('maybe steps carry their assumption, policy steps say the policy, steps without a line are left to the tree', () => {
  const branch: TraceBranch = {
    ...seedBranch,
    steps: [
      { hook: 'INPUT', table: 'filter', chain: 'INPUT', rule: 1, line: 5, result: 'maybe-match', action: 'DROP', assumption: 'assuming -m recent --rcheck matches' },
      { hook: 'INPUT', table: 'filter', chain: 'INPUT', rule: 2, line: 6, result: 'maybe-match', action: 'JUMP:LOGDROP', assumption: 'assuming -m limit does not match' },
      { hook: 'INPUT', table: 'filter', chain: 'INPUT', rule: null, line: 2, result: 'policy', action: 'DROP' },
      // The other side of a fork: the branch assumed the match fails, which is still an assumption, not a plain miss.
      { hook: 'INPUT', table: 'filter', chain: 'INPUT', rule: 3, line: 7, result: 'no-match', action: 'DROP', assumption: 'assuming not: -m recent --rcheck matches' },
      { hook: 'INPUT', table: 'filter', chain: 'GONE', rule: null, line: null, result: 'skipped', action: 'ERROR' },
    ],
  };
  assert.deepEqual(lineDecorations(branch).map((d) => [d.line + 1, d.kind, d.before, d.after]), [
    [2, 'policy', '3⚑', 'policy DROP'],
    [5, 'maybe', '1?', 'assuming -m recent --rcheck matches · DROP'],
    [6, 'maybe', '2?', 'assuming -m limit does not match · → LOGDROP'],
    [7, 'maybe', '4?', 'assuming not: -m recent --rcheck matches'],
  ]);
  const hover = lineDecorations(branch)[1].hover;
  assert.equal(hover, 'Step 1 ? INPUT · filter INPUT rule 1: may match — assuming -m recent --rcheck matches · DROP');
});

test('notes: the engine\'s note wins, goto and rewrites are spelled out, a non-match says nothing', () => {
  const base = { hook: 'PREROUTING', table: 'nat', chain: 'C', rule: 1, line: 1 } as const;
  assert.equal(stepNote({ ...base, result: 'match', action: 'GOTO:KUBE-EXT-X' }), '⇒ KUBE-EXT-X (goto)');
  assert.equal(stepNote({ ...base, result: 'match', action: 'DNAT', note: 'DNAT → 10.0.0.1:80' }), 'DNAT → 10.0.0.1:80');
  assert.equal(stepNote({ ...base, result: 'match', action: 'CONTINUE', rewrite: { tos: '0x10' } }), 'tos = 0x10');
  assert.equal(stepNote({ ...base, result: 'match', action: 'CONTINUE' }), '');
  assert.equal(stepNote({ ...base, result: 'no-match', action: 'DROP' }), '');
  assert.equal(stepNote({ ...base, result: 'no-match', action: 'JUMP:KUBE-SEP-A', note: 'p = 0.5 not picked' }), 'p = 0.5 not picked');
});

test('the branch switch changes the decorated lines: each endpoint branch marks its own KUBE-SEP rule', () => {
  const result = threeEndpoints();
  const matchedLines = result.branches.map((b) => lineDecorations(b).filter((d) => d.kind === 'match').map((d) => d.line + 1));
  assert.deepEqual(matchedLines, [[3, 10, 12, 16], [3, 10, 13, 17], [3, 10, 14, 18]]);
});

test('end to end with the trace engine: the seed trace decorates the lines of the story told by hand', () => {
  const text = seed.join('\n');
  const outcome = trace(parse(text, 'iptables-save'), 'tcp 10.1.2.3:40000 -> 10.96.125.27:8080 in eth0');
  assert.ok(outcome.result, JSON.stringify(outcome.error));
  assert.equal(outcome.result.branches.length, 1);
  const shown = new Map(lineDecorations(outcome.result.branches[0]).map((d) => [d.line + 1, [d.kind, d.after]]));
  // Lines as numbered in test/fixtures/seed/heketi-nat.save.
  assert.deepEqual(shown.get(35), ['match', '→ KUBE-SVC-7RUAH544RSSBQYKK']);
  assert.deepEqual(shown.get(29), ['match', 'DNAT → 10.254.20.8:8080']);
  assert.deepEqual(shown.get(26), ['match', 'mark |= 0x4000']);
  assert.equal(shown.get(27)?.[0], 'match');
  assert.equal(shown.get(30)?.[0], 'noMatch');
  for (const line of [22, 23, 36, 37, 38, 39, 40]) assert.equal(shown.get(line), undefined, `line ${line}`);
});
