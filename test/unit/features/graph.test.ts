import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphAt, graphCommand, neighbourhood, toDot, toMermaid } from '../../../server/src/features/graph';
import { Analysis } from '../../../server/src/model/analysis';
import { at, dump } from './navKit';

const TEXT = dump(
  '*nat',
  ':PREROUTING ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':KUBE-SERVICES - [0:0]',
  ':KUBE-SVC-A - [0:0]',
  ':KUBE-SEP-1 - [0:0]',
  ':KUBE-SEP-2 - [0:0]',
  ':KUBE-MARK-MASQ - [0:0]',
  ':LONELY - [0:0]',
  '-A PREROUTING -j KUBE-SERVICES',
  '-A OUTPUT -j KUBE-SERVICES',
  '-A KUBE-SERVICES -d 10.96.0.1/32 -j KUBE-MARK-MASQ',
  '-A KUBE-SERVICES -d 10.96.0.2/32 -j KUBE-MARK-MASQ',
  '-A KUBE-SERVICES -d 10.96.0.1/32 -j KUBE-SVC-A',
  '-A KUBE-SVC-A -m statistic --mode random --probability 0.5 -g KUBE-SEP-1',
  '-A KUBE-SVC-A -j KUBE-SEP-2',
  '-A KUBE-SEP-1 -j KUBE-MARK-MASQ',
  '-A KUBE-SEP-2 -j KUBE-MARK-MASQ',
  '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
  'COMMIT',
);

const names = (r: { nodes: { chain: string }[] }) => r.nodes.map((n) => n.chain).sort();

test('graph around a chain: callers and callees to depth 1', () => {
  const a = at(TEXT.replace('-j KUBE-SVC-A', '-j KUBE-S$0VC-A'));
  const g = graphAt(a.analysis, a.line, a.character, 1);
  assert.deepEqual(names(g), ['KUBE-SEP-1', 'KUBE-SEP-2', 'KUBE-SERVICES', 'KUBE-SVC-A']);
  assert.equal(g.nodes.find((n) => n.centre)!.chain, 'KUBE-SVC-A');
  assert.deepEqual(g.edges.map((e) => `${e.from} ${e.kind} ${e.to}`).sort(), [
    'nat/KUBE-SERVICES jump nat/KUBE-SVC-A',
    'nat/KUBE-SVC-A goto nat/KUBE-SEP-1',
    'nat/KUBE-SVC-A jump nat/KUBE-SEP-2',
  ]);
  // Left out: PREROUTING, OUTPUT (callers of KUBE-SERVICES) and KUBE-MARK-MASQ (callee of three shown chains).
  assert.equal(g.omitted, 3);
  const services = g.nodes.find((n) => n.chain === 'KUBE-SERVICES')!;
  assert.equal(services.hiddenCallers, 2);
  assert.equal(services.hiddenCallees, 1);
  assert.equal(services.references, 2);
  assert.equal(services.rules, 3);
  assert.equal(services.line, 3);
});

test('depth 2 reaches the built-in chains and KUBE-MARK-MASQ; callers of callees are not walked', () => {
  const a = at(TEXT.replace(':KUBE-SVC-A', ':KUBE-$0SVC-A'));
  const g = graphAt(a.analysis, a.line, a.character, 2);
  assert.deepEqual(names(g), ['KUBE-MARK-MASQ', 'KUBE-SEP-1', 'KUBE-SEP-2', 'KUBE-SERVICES', 'KUBE-SVC-A', 'OUTPUT', 'PREROUTING']);
  assert.equal(g.omitted, 0);
  const mark = g.edges.filter((e) => e.to === 'nat/KUBE-MARK-MASQ');
  assert.deepEqual(mark.map((e) => [e.from, e.count]).sort(), [['nat/KUBE-SEP-1', 1], ['nat/KUBE-SEP-2', 1], ['nat/KUBE-SERVICES', 2]]);
  const pre = g.nodes.find((n) => n.chain === 'PREROUTING')!;
  assert.equal(pre.builtin, true);
  assert.equal(pre.policy, 'ACCEPT');
});

test('the node cap keeps the nearest chains and counts the rest', () => {
  const a = at(TEXT.replace(':KUBE-MARK-MASQ', ':KUBE-$0MARK-MASQ'));
  const g = graphAt(a.analysis, a.line, a.character, 5, 3);
  assert.equal(g.nodes.length, 3);
  assert.equal(g.nodes[0].chain, 'KUBE-MARK-MASQ');
  assert.ok(g.omitted >= 1);
});

test('cursor on a rule line centres on its chain; on the table line, the built-in chains', () => {
  const onRule = at(TEXT.replace('-A KUBE-SEP-2 -j', '-A KUBE-SEP-2 $0-j'));
  assert.equal(graphAt(onRule.analysis, onRule.line, onRule.character, 1).nodes.find((n) => n.centre)!.chain, 'KUBE-SEP-2');
  const onTable = at(TEXT.replace('*nat', '*n$0at'));
  const g = graphAt(onTable.analysis, onTable.line, onTable.character, 1);
  assert.deepEqual(g.nodes.filter((n) => n.centre).map((n) => n.chain).sort(), ['OUTPUT', 'PREROUTING']);
  assert.deepEqual(names(g), ['KUBE-SERVICES', 'OUTPUT', 'PREROUTING']);
});

test('dot and mermaid output', () => {
  const analysis = Analysis.of(TEXT, 'iptables-save');
  const table = analysis.ruleset.tables[0];
  const g = neighbourhood(analysis, table, [table.chainsByName.get('KUBE-SVC-A')!], 1);
  const dot = toDot(g);
  assert.match(dot, /^digraph iptables \{\n  rankdir=LR;/);
  assert.match(dot, /"nat\/KUBE-SVC-A" -> "nat\/KUBE-SEP-1" \[label="goto", style=dashed\];/);
  assert.match(dot, /"nat\/KUBE-SVC-A" -> "nat\/KUBE-SEP-2" \[label="jump"\];/);
  assert.match(dot, /"nat\/KUBE-SVC-A" \[label="KUBE-SVC-A\\n1 ref · 2 rules", peripheries=2\];/);
  const mermaid = toMermaid(g);
  assert.match(mermaid, /^flowchart LR\n/);
  const ids = new Map([...mermaid.matchAll(/(n\d+)\["([^<"]*)/g)].map((m) => [m[2], m[1]]));
  assert.ok(mermaid.includes(`${ids.get('KUBE-SVC-A')} -.->|goto| ${ids.get('KUBE-SEP-1')}`));
  assert.ok(mermaid.includes(`${ids.get('KUBE-SVC-A')} -->|jump| ${ids.get('KUBE-SEP-2')}`));
});

test('the CLI graph: whole table, a chain, unknown chain or table', () => {
  const analysis = Analysis.of(TEXT, 'iptables-save');
  const whole = graphCommand(analysis, { format: 'json' });
  assert.ok('output' in whole);
  const g = JSON.parse(whole.output);
  assert.equal(g.nodes.length, 8, 'every chain, LONELY included');
  assert.equal(g.edges.length, 8, 'one edge per (from, to, kind)');
  const one = graphCommand(analysis, { format: 'json', chain: 'LONELY', depth: 3 });
  assert.ok('output' in one);
  assert.deepEqual(JSON.parse(one.output).nodes.map((n: { chain: string }) => n.chain), ['LONELY']);
  assert.deepEqual(graphCommand(analysis, { format: 'dot', chain: 'NOPE' }), { error: 'no chain NOPE in the dump' });
  assert.match((graphCommand(analysis, { format: 'dot', table: 'raw' }) as { error: string }).error, /no table raw in the dump \(it has: nat\)/);
});
