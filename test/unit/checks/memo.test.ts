/**
 * The per-rule memo of runChecks: a rule whose line, scope and target kind are
 * unchanged since the previous version is not read again, and its problems
 * come back on its new line; anything that changes the key is checked afresh;
 * the memo holds only the rules of the version checked last. Every result is
 * also compared with a run without the memo.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckMemo, runChecks } from '../../../server/src/checks';
import { Analysis } from '../../../server/src/model/analysis';
import type { Problem, Rule } from '../../../server/src/model/types';

function covered(text: string, p: Problem): string {
  return text.split('\n')[p.span.line].slice(p.span.start, p.span.end);
}

const F = (body: string) => `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${body}COMMIT\n`;

/** Checks a version with the memo, and says which rules were parsed while doing so. */
function checkWithMemo(text: string, memo: CheckMemo): { problems: Problem[]; parsed: string[]; analysis: Analysis } {
  const analysis = Analysis.of(text, 'iptables-save');
  const parsed: string[] = [];
  for (const table of analysis.ruleset.tables) {
    for (const chain of table.chains) {
      for (const rule of chain.rules) spyOnParse(rule, () => parsed.push(text.split('\n')[rule.span.line]));
    }
  }
  return { problems: runChecks(analysis, undefined, memo), parsed, analysis };
}

/** Calls `seen` the first time anything reads the rule's matches or own problems. */
function spyOnParse(rule: Rule, seen: () => void): void {
  let told = false;
  const tell = () => {
    if (!told) seen();
    told = true;
  };
  const proto = Object.getPrototypeOf(rule) as Rule;
  const matches = Object.getOwnPropertyDescriptor(proto, 'matches')!.get!;
  Object.defineProperty(rule, 'matches', { get() { tell(); return matches.call(this); } });
  rule.ownProblems = function () { tell(); return proto.ownProblems.call(this); };
}

const fresh = (text: string) => runChecks(Analysis.of(text, 'iptables-save'));

test('a rule unchanged but moved down by inserted lines is not read again, and its problem moves with it', () => {
  const memo = new CheckMemo();
  const a = F('-A INPUT -p tcp --dport 99999 -j ACCEPT\n-A INPUT -s 10.0.0.1 -j DROP\n');
  const first = checkWithMemo(a, memo);
  assert.deepEqual(first.problems.map((p) => [p.code, p.span.line, covered(a, p)]), [['bad-value', 4, '99999']]);

  const b = F('-A INPUT -i lo -j ACCEPT\n-A INPUT -p udp --dport 53 -j ACCEPT\n-A INPUT -p tcp --dport 99999 -j ACCEPT\n-A INPUT -s 10.0.0.1 -j DROP\n');
  const second = checkWithMemo(b, memo);
  assert.deepEqual(second.problems.map((p) => [p.code, p.span.line, covered(b, p)]), [['bad-value', 6, '99999']]);
  assert.deepEqual(second.parsed, ['-A INPUT -i lo -j ACCEPT', '-A INPUT -p udp --dport 53 -j ACCEPT']);
  assert.deepEqual(second.problems, fresh(b));
});

test('own argument problems of a rule come back from the memo on its new line', () => {
  const memo = new CheckMemo();
  checkWithMemo(F('-A INPUT -p tcp --dport\n'), memo);
  const b = F('-A INPUT -j ACCEPT\n-A INPUT -p tcp --dport\n');
  const second = checkWithMemo(b, memo);
  assert.deepEqual(second.parsed, ['-A INPUT -j ACCEPT']);
  assert.ok(second.problems.some((p) => p.code === 'missing-value' && p.span.line === 5 && covered(b, p) === '--dport'));
  assert.deepEqual(second.problems, fresh(b));
});

test('a jump that stops naming a chain (its declaration removed) is checked again as a target', () => {
  const memo = new CheckMemo();
  const a = F(':TARPIT - [0:0]\n-A INPUT -p tcp -j TARPIT\n');
  assert.deepEqual(checkWithMemo(a, memo).problems.map((p) => [p.code, covered(a, p)]), [['empty-chain-jump', 'TARPIT']]);
  const b = F('-A INPUT -p tcp -j TARPIT\n');
  const second = checkWithMemo(b, memo);
  assert.deepEqual(second.parsed, ['-A INPUT -p tcp -j TARPIT']);
  assert.deepEqual(second.problems.map((p) => [p.code, covered(b, p)]), [['unknown-target', 'TARPIT']]);
  assert.deepEqual(second.problems, fresh(b));
  // And back: the jump is a jump again, without the warning.
  const third = checkWithMemo(a, memo);
  assert.deepEqual(third.parsed, ['-A INPUT -p tcp -j TARPIT']);
  assert.deepEqual(third.problems, fresh(a));
});

test('the same line in another table or chain scope is not taken from the memo', () => {
  const memo = new CheckMemo();
  const a = F('-A INPUT -j DNAT --to-destination 10.0.0.1\n');
  assert.deepEqual(checkWithMemo(a, memo).problems.map((p) => p.code), ['target-wrong-table']);
  const b = a.replace('*filter', '*nat').replace(':FORWARD ACCEPT [0:0]\n', ':PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n');
  const second = checkWithMemo(b, memo);
  assert.deepEqual(second.parsed, ['-A INPUT -j DNAT --to-destination 10.0.0.1']);
  assert.deepEqual(second.problems.map((p) => [p.code, covered(b, p)]), [['target-wrong-chain', 'DNAT']]);
  assert.deepEqual(second.problems, fresh(b));
});

test('the memo holds only the rules of the version checked last', () => {
  const memo = new CheckMemo();
  const rules = (n: number, from: number) => Array.from({ length: n }, (_, i) => `-A INPUT -p tcp --dport ${from + i} -j ACCEPT\n`).join('');
  for (let v = 0; v < 12; v++) {
    // Every version has different rules (and a different count) from the one before.
    const count = 5 + (v % 3);
    const text = F(rules(count, 1000 * v));
    const { problems } = checkWithMemo(text, memo);
    assert.equal(memo.size, count);
    assert.deepEqual(problems, fresh(text));
  }
  checkWithMemo(F(''), memo);
  assert.equal(memo.size, 0);
});

test('the memo keeps the line keys of the version checked last only: its spare arrays hold none', () => {
  const memo = new CheckMemo();
  const body = '-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -p tcp --dport 80 -j ACCEPT\n';
  for (let v = 0; v < 4; v++) {
    // Each version is a new text: keys cut from an older one would keep that whole text alive.
    const text = F(`${'# note\n'.repeat(v)}${body}`);
    checkWithMemo(text, memo);
    assert.deepEqual(memo.texts, body.split(/(?<=\n)/), `version ${v}`);
    if (v > 0) assert.deepEqual(memo.spare.texts, ['', ''], `version ${v}`);
  }
});

test('every rule of a version checked with the memo is released afterwards', () => {
  const memo = new CheckMemo();
  const text = F(':WEB - [0:0]\n-A INPUT -p tcp --dport 80 -j WEB\n-A WEB -s 10.0.0.0/8 -j ACCEPT\n');
  checkWithMemo(text, memo);
  const { analysis } = checkWithMemo(text.replace('--dport 80', '--dport 81'), memo);
  const released: boolean[] = [];
  for (const table of analysis.ruleset.tables) {
    for (const chain of table.chains) for (const rule of chain.rules) released.push((rule as unknown as { isParsed?: boolean }).isParsed === false);
  }
  assert.deepEqual(released, [true, true]);
});

test('a rule a later -F flushed still reports its own argument problems, with or without the memo', () => {
  const text = F('-A INPUT -p tcp !\n-F INPUT\n-A INPUT -j ACCEPT\n');
  const memo = new CheckMemo();
  for (const problems of [fresh(text), checkWithMemo(text, memo).problems, checkWithMemo(text, memo).problems]) {
    assert.deepEqual(problems.filter((p) => p.code === 'bad-negation').map((p) => [p.span.line, covered(text, p)]), [[4, '!']]);
  }
});
