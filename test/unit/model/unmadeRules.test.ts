/**
 * Save rules read on the quick path stay numbers in the parse's store until
 * something reads a chain's rules (SaveChain.rules): the table is finished
 * and the graph built on those numbers. These tests hold the model read that
 * way to what the dump says, written out by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph } from '../../../server/src/model/buildGraph';
import { parseSave } from '../../../server/src/model/parseSave';
import { declLine, SaveChain, SaveRule } from '../../../server/src/model/saveRule';
import { fixtureTexts } from '../../support/fixtureFiles';
import { asListRules, generateKubeProxy, withCounters } from '../../support/kubeProxy';
import type { Match, Ruleset, Table } from '../../../server/src/model/types';

function chainOf(table: Table, name: string): SaveChain {
  const chain = table.chainsByName.get(name);
  assert.ok(chain instanceof SaveChain, `${name} is read from its own line`);
  return chain;
}

const made = (r: Ruleset) => r.tables.flatMap((t) => t.chains.filter((c) => c instanceof SaveChain && c.made).map((c) => c.name));

test('parse and graph make no rule objects; edges and dangling jumps name the rules the chains make later', () => {
  const text = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':A - [0:0]',
    ':B - [0:0]',
    ':C - [0:0]',
    ':D - [0:0]',
    '-A INPUT -p tcp -j A',
    '-A A -s 10.0.0.1/32 -j B',
    '-A A -p udp',
    '-A A -j ACCEPT',
    '-A B -g C',
    '-A C -j RETURN',
    '-A D -j NOWHERE',
    'COMMIT',
    '',
  ].join('\n');
  const r = parseSave(text);
  const graph = buildGraph(r).byTable.get(r.tables[0])!;
  // D's jump goes nowhere: the graph keeps its rule as an object, so D alone is made.
  assert.deepEqual(made(r), ['D']);
  const t = r.tables[0];
  const [a, b, c, d] = ['A', 'B', 'C', 'D'].map((n) => chainOf(t, n));
  const edges = graph.edges.map((e) => [e.from.name, e.to.name, e.kind, e.rule.span.line]);
  assert.deepEqual(edges, [['INPUT', 'A', 'jump', 6], ['A', 'B', 'jump', 7], ['B', 'C', 'goto', 10]]);
  // The edges' rules are the objects the chains hold once made, in their places.
  assert.equal(graph.edges[1].rule, a.rules[0]);
  assert.equal(graph.edges[2].rule, b.rules[0]);
  assert.deepEqual(graph.dangling, [d.rules[0]]);
  assert.deepEqual(a.rules.map((rule) => [rule.index, rule.span.line, rule.target?.name ?? null, rule.target?.kind ?? null]), [
    [1, 7, 'B', 'jump'],
    [2, 8, null, null],
    [3, 9, 'ACCEPT', 'accept'],
  ]);
  assert.equal(a.rules[0].target!.chain, b);
  assert.equal(b.rules[0].target!.chain, c);
  assert.equal(c.rules[0].target!.kind, 'return');
  // Settled: NOWHERE is looked for and is no chain.
  assert.equal(d.rules[0].target!.chain, null);
  assert.equal(d.rules[0].target!.kind, 'jump');
  assert.deepEqual(graph.cycles, []);
});

test('a chain whose lines another chain interrupts keeps its rules in line order, numbered in turn', () => {
  const text = [
    '*nat',
    ':X - [0:0]',
    ':Y - [0:0]',
    ':Z - [0:0]',
    '-A X -j Y',
    '-A X -j Z',
    '-A Y -j Z',
    '-A X -j MASQUERADE',
    '-A Y -j RETURN',
    'COMMIT',
    '',
  ].join('\n');
  const r = parseSave(text);
  const t = r.tables[0];
  const rows = (name: string) => chainOf(t, name).rules.map((rule) => [rule.index, rule.span.line, rule.target!.name]);
  assert.deepEqual(rows('X'), [[1, 4, 'Y'], [2, 5, 'Z'], [3, 7, 'MASQUERADE']]);
  assert.deepEqual(rows('Y'), [[1, 6, 'Z'], [2, 8, 'RETURN']]);
  const graph = buildGraph(r).byTable.get(t)!;
  assert.deepEqual(graph.edges.map((e) => [e.from.name, e.to.name, e.rule.span.line]), [['X', 'Y', 4], ['X', 'Z', 5], ['Y', 'Z', 6]]);
});

test('rules a -F or -X took out, never made until then, still have their problems reported, and the family guess skips them', () => {
  const text = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':GONE - [0:0]',
    '-A INPUT -p tcp -c 5 -j ACCEPT',
    '-A GONE -p tcp -j DROP !',
    '-A INPUT -s fe80::/10 -j ACCEPT',
    '-F INPUT',
    '-X GONE',
    '-A INPUT -j DROP',
    'COMMIT',
    '',
  ].join('\n');
  const r = parseSave(text);
  assert.equal(r.rulesDropped, true);
  const lines = r.problems.filter((p) => p.severity === 'error').map((p) => p.span.line);
  assert.ok(lines.includes(3), `the flushed rule's one-number -c on line 4 is reported: ${JSON.stringify(r.problems)}`);
  assert.ok(lines.includes(4), `the deleted chain's rule ending in "!" on line 5 is reported: ${JSON.stringify(r.problems)}`);
  assert.equal(r.family, 'ipv4');
  const input = r.tables[0].chainsByName.get('INPUT')!;
  assert.deepEqual(input.rules.map((rule) => [rule.index, rule.span.line]), [[1, 8]]);
});

test('declLine gives the line of a chain\'s declaration, the one a later line moved it to, and -1 for none', () => {
  const text = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':A - [0:0]',
    '-N B',
    '-A INPUT -j A',
    '-A NEVER -j ACCEPT',
    '-P INPUT DROP',
    'COMMIT',
    '',
  ].join('\n');
  const r = parseSave(text);
  const t = r.tables[0];
  const line = (name: string) => declLine(t.chainsByName.get(name)!);
  // Read before any span is asked for: from the line's numbers.
  assert.equal(line('A'), 2);
  assert.equal(line('B'), 3);
  // -P declares INPUT again, on line 7: the span moves there, and so does its line.
  assert.equal(line('INPUT'), 6);
  assert.equal(t.chainsByName.get('INPUT')!.declSpan!.line, 6);
  // NEVER only has rules: no declaration.
  assert.equal(t.chainsByName.get('NEVER')!.declSpan, null);
  assert.equal(line('NEVER'), -1);
  for (const name of ['A', 'B']) assert.equal(line(name), t.chainsByName.get(name)!.declSpan!.line);
});

test('leadingAddress gives the match the parser makes of an opening -s or -d, over every save fixture and a generated dump', () => {
  const texts = fixtureTexts(/\.(save|rules|S\.txt|resaved\.txt|save-c\.txt)$/);
  const kube = generateKubeProxy({ services: 30, endpointsPerService: 2, nodePortEvery: 3, noEndpointsEvery: 7 });
  // Lines the quick read must leave to the parser, and some it takes: insert positions, counters, IPv6, spaces.
  texts.push(kube.save, withCounters(kube.save), asListRules(kube.save, 'nat'), [
    '*filter', ':INPUT ACCEPT [0:0]', ':X - [0:0]',
    '-A INPUT ! -d 10.0.0.1/32 -j ACCEPT', '-A INPUT -d ! 10.0.0.1/32 -j ACCEPT', '-A INPUT -d -j ACCEPT', '-A INPUT -d',
    '-A INPUT --destination 10.0.0.1 -j ACCEPT', '-A INPUT -d "10.0.0.1" -j ACCEPT', '-A INPUT -d 10.0.0.1"x" -j ACCEPT',
    '-A INPUT -d example.com -j ACCEPT', '-A INPUT -s fd00::5/128 -j X', '-A INPUT   -s   10.1.2.3   -j X', '-I INPUT 1 -d 10.9.9.9/32 -j X',
    '-A INPUT -d face -j ACCEPT', '-A INPUT -dd 10.0.0.1 -j ACCEPT', '-A INPUT -d 10.0.0.1', 'COMMIT', '',
  ].join('\n'));
  let leads = 0;
  let rules = 0;
  for (const text of texts) {
    for (const table of parseSave(text).tables) {
      for (const chain of table.chains) {
        for (const rule of chain.rules) {
          if (!(rule instanceof SaveRule)) continue;
          rules++;
          const lead = rule.leadingAddress();
          const first = rule.matches[0];
          const line = text.split('\n')[rule.span.line];
          rule.release();
          if (!lead) continue;
          leads++;
          const seen = (m: Match) => {
            const o = m.options[0];
            return {
              module: m.module, implicit: m.implicit, negated: m.negated, span: m.span,
              option: { name: o.name, value: o.value, values: o.values, negated: o.negated, span: o.span, nameSpan: o.nameSpan, valueSpan: o.valueSpan },
            };
          };
          assert.deepEqual(seen(lead), seen(first), line);
          assert.equal(first.options.length, 1, line);
        }
      }
    }
  }
  assert.ok(rules > 2000 && leads > 500 && rules - leads > 500, `${rules} rules, ${leads} read quickly`);
});
