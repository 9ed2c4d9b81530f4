/**
 * The seed story (test/fixtures/seed/README.md), in all its forms: the paste as
 * it was made (prompt line, notes, chains missing), the clean -nvL, the
 * kernel's -nvL of the complete table, and iptables-save. Each gives table nat
 * with the DNAT path PREROUTING → KUBE-SERVICES → KUBE-SVC-7RUAH544RSSBQYKK →
 * KUBE-SEP-IWORYNCAYHBSQHXU → DNAT to 10.254.20.8:8080, and the SNAT path
 * POSTROUTING → KUBE-POSTROUTING → MASQUERADE for mark 0x4000/0x4000.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'fs';
import { join } from 'path';
import { buildTableGraph } from '../../../server/src/model/buildGraph';
import { parse } from '../../../server/src/model/parse';
import type { Ruleset } from '../../../server/src/model/types';

const SEED = join(__dirname, '../../fixtures/seed');

const forms: [string, 'listing' | 'save'][] = [
  ['heketi-nat.as-pasted.txt', 'listing'],
  ['heketi-nat.nvL', 'listing'],
  ['heketi-nat.full.nvL.txt', 'listing'],
  ['heketi-nat.save', 'save'],
  ['heketi-nat.save-c.txt', 'save'],
];

function edges(r: Ruleset): Set<string> {
  return new Set(buildTableGraph(r.tables[0]).edges.map((e) => `${e.from.name} -> ${e.to.name}`));
}

for (const [file, format] of forms) {
  test(`seed ${file}: table nat with the DNAT and SNAT paths`, () => {
    const r = parse(readFileSync(join(SEED, file), 'utf8'));
    assert.equal(r.format, format);
    assert.deepEqual(r.problems.filter((p) => p.severity === 'error' || p.severity === 'warning'), []);
    assert.deepEqual(r.tables.map((t) => t.name), ['nat']);
    const e = edges(r);
    for (const step of [
      'PREROUTING -> KUBE-SERVICES', 'KUBE-SERVICES -> KUBE-SVC-7RUAH544RSSBQYKK',
      'KUBE-SVC-7RUAH544RSSBQYKK -> KUBE-SEP-IWORYNCAYHBSQHXU', 'POSTROUTING -> KUBE-POSTROUTING',
    ]) assert.ok(e.has(step), step);
    const nat = r.tables[0];
    const dnat = nat.chainsByName.get('KUBE-SEP-IWORYNCAYHBSQHXU')!.rules.find((x) => x.target?.name === 'DNAT')!;
    assert.equal(dnat.target!.kind, 'extension');
    assert.deepEqual(dnat.target!.options.map((o) => [o.name, o.value]), [['to-destination', '10.254.20.8:8080']]);
    assert.ok(dnat.matches.some((m) => m.module === 'protocol' && m.options[0].value === 'tcp'));
    const masq = nat.chainsByName.get('KUBE-POSTROUTING')!.rules.find((x) => x.target?.name === 'MASQUERADE')!;
    const mark = masq.matches.find((m) => m.module === 'mark')!;
    assert.deepEqual(mark.options.map((o) => [o.name, o.value, o.negated]), [['mark', '0x4000/0x4000', false]]);
    assert.deepEqual(masq.comments, ['kubernetes service traffic requiring SNAT']);
  });
}

test('seed as pasted: the prompt names the table, notes are information, missing chains stay dangling', () => {
  const r = parse(readFileSync(join(SEED, 'heketi-nat.as-pasted.txt'), 'utf8'));
  const nat = r.tables[0];
  assert.equal(nat.tableSource, 'command');
  assert.equal(r.problems.length, 6);
  assert.ok(r.problems.every((p) => p.code === 'unrecognized-line' && p.severity === 'information'));
  const g = buildTableGraph(nat);
  const dangling = new Set(g.dangling.map((x) => x.target!.name));
  for (const missing of ['KUBE-MARK-MASQ', 'KUBE-NODEPORTS', 'cali-PREROUTING', 'KUBE-SVC-TCOU7JCQXEZGVUNU']) assert.ok(dangling.has(missing), missing);
  assert.equal(nat.chainsByName.get('KUBE-SERVICES')!.listedReferences, 2);
  assert.deepEqual(nat.chainsByName.get('OUTPUT')!.rules.map((x) => x.counters), [
    { packets: 1858, bytes: 112000, approximate: true },
    { packets: 1888, bytes: 113000, approximate: true },
  ]);
});

test('seed -nvL without the prompt: nat from PREROUTING, INPUT, OUTPUT and POSTROUTING', () => {
  const r = parse(readFileSync(join(SEED, 'heketi-nat.nvL'), 'utf8'));
  assert.equal(r.tables[0].tableSource, 'builtin-chains');
  assert.deepEqual(r.tables[0].chains.filter((c) => c.builtin).map((c) => c.name), ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']);
  assert.deepEqual(r.problems, []);
});
