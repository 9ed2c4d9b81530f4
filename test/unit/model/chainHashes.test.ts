/**
 * The parser finds a jump's chain by two hashes of the name's characters
 * (ChainHashes) instead of the name map. These tests hold the index to the
 * names it was given, and the parser's jumps to the chains the dump names,
 * also where -X has moved chains in their table. The dumps have 200 chains
 * more than they need: a table is indexed from 128 chains on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph } from '../../../server/src/model/buildGraph';
import { ASK_THE_MAP, ChainHashes } from '../../../server/src/model/chainHashes';
import { parseSave } from '../../../server/src/model/parseSave';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** kube-proxy-like names from a fixed sequence, so a failure can be replayed. */
function names(count: number, prefix: string, seed: number): string[] {
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = prefix;
    for (let k = 0; k < 16; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      s += BASE32[x >>> 27];
    }
    out.push(s);
  }
  return out;
}

test('a small table is left to the name map; every name entered is found at its position once the table is large, through growing many times', () => {
  const entered = names(20000, 'KUBE-SEP-', 7);
  const index = new ChainHashes(entered.map((name) => ({ name })));
  // Written into one text, as the parser hands them over: a name is a range of a line.
  const text = entered.map((n) => `:${n} - [0:0]`).join('\n');
  let at = 0;
  entered.forEach((n, k) => {
    index.add(text, at + 1, at + 1 + n.length, k);
    at += n.length + 10;
    // Below 128 chains the map answers: the index has nothing yet.
    if (k === 100) assert.equal(index.find(entered[0], 0, entered[0].length), ASK_THE_MAP);
  });
  entered.forEach((n, k) => assert.equal(index.find(n, 0, n.length), k, n));
  // Also from inside a longer line, as a jump's target.
  const line = `-A KUBE-SVC-X -j ${entered[12345]} extra`;
  assert.equal(index.find(line, 17, 17 + entered[12345].length), 12345);
});

test('names never entered are not found, however close to one that was', () => {
  const entered = names(5000, 'KUBE-SEP-', 11);
  const index = new ChainHashes(entered.map((name) => ({ name })));
  entered.forEach((n, k) => index.add(n, 0, n.length, k));
  const near = entered.slice(0, 500).flatMap((n) => [
    n.slice(0, -1),                                 // one character short
    n + 'A',                                        // one longer
    n.slice(0, -1) + (n.endsWith('A') ? 'B' : 'A'), // last character changed
    'KUBE-SVC-' + n.slice(9),                       // same hash part, another family
    n.toLowerCase(),
  ]);
  const others = names(5000, 'KUBE-SEP-', 12).filter((n) => !entered.includes(n));
  for (const n of [...near, ...others, '', 'K']) assert.equal(index.find(n, 0, n.length), -1, n);
});

test('one name entered at two positions cannot be told apart: the caller is sent to the map', () => {
  const entered = [...names(200, 'KUBE-SVC-', 3), 'KUBE-MARK-MASQ', 'KUBE-SERVICES', 'KUBE-MARK-MASQ'];
  const index = new ChainHashes(entered.map((name) => ({ name })));
  entered.forEach((n, k) => index.add(n, 0, n.length, k));
  assert.equal(index.find('KUBE-MARK-MASQ', 0, 14), ASK_THE_MAP);
  assert.equal(index.find('KUBE-SERVICES', 0, 13), 201);
  assert.equal(index.find(entered[199], 0, entered[199].length), 199);
});

/** Declarations of `count` chains nothing jumps to, so that a table is large enough to be indexed. */
const filler = (prefix: string, count: number) => Array.from({ length: count }, (_, k) => `:${prefix}-${k} - [0:0]`);

test('jumps read after -X deleted a chain go to the chains they name, not to the positions the chains had', () => {
  const text = [
    '*filter',
    ':A - [0:0]',
    ':B - [0:0]',
    ':C - [0:0]',
    ':D - [0:0]',
    ':E - [0:0]',
    ...filler('F', 200),
    '-A A -j C',
    '-X B',
    // D was fourth and E fifth; with B gone, E is fourth.
    '-A A -j D',
    '-A A -j E',
    '-N B',
    '-A A -j B',
    '-A A -j GONE',
    'COMMIT',
    '',
  ].join('\n');
  const r = parseSave(text);
  const graph = buildGraph(r).byTable.get(r.tables[0])!;
  assert.deepEqual(graph.edges.map((e) => [e.from.name, e.to.name, e.rule.span.line]), [
    ['A', 'C', 206],
    ['A', 'D', 208],
    ['A', 'E', 209],
    ['A', 'B', 211],
  ]);
  // The B jumped to is the one -N made after the -X.
  const b = r.tables[0].chainsByName.get('B')!;
  assert.equal(graph.edges[3].to, b);
  assert.equal(b.declSpan?.line, 210);
  assert.deepEqual(graph.dangling.map((rule) => rule.span.line), [212]);
});

test('jumps to chains declared in another table are not taken for chains of this one', () => {
  const text = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':KUBE-SERVICES - [0:0]',
    ...filler('NAT', 200),
    '-A PREROUTING -j KUBE-SERVICES',
    'COMMIT',
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':KUBE-FIREWALL - [0:0]',
    ...filler('FILTER', 200),
    '-A INPUT -j KUBE-SERVICES',
    '-A INPUT -j KUBE-FIREWALL',
    'COMMIT',
    '',
  ].join('\n');
  const r = parseSave(text);
  const graphs = buildGraph(r);
  const [nat, filter] = r.tables;
  assert.deepEqual(graphs.byTable.get(nat)!.edges.map((e) => [e.from.name, e.to.name]), [['PREROUTING', 'KUBE-SERVICES']]);
  assert.equal(graphs.byTable.get(nat)!.edges[0].to, nat.chainsByName.get('KUBE-SERVICES'));
  assert.deepEqual(graphs.byTable.get(filter)!.edges.map((e) => [e.from.name, e.to.name]), [['INPUT', 'KUBE-FIREWALL']]);
  assert.deepEqual(graphs.byTable.get(filter)!.dangling.map((rule) => rule.span.line), [408]);
});
