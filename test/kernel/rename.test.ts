/**
 * Rename against the kernel. (1) The new-name rules agree with `iptables -N`
 * on both backends: a name we refuse is one iptables refuses, and the other
 * way round. (2) A renamed dump loads, and `iptables-save` prints exactly the
 * original ruleset with the chain's name changed: nothing else moved.
 * Everything happens in network namespaces the test creates and deletes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'fs';
import { join } from 'path';
import { spawnSync } from 'child_process';
import { Analysis } from '../../server/src/model/analysis';
import { chainNameProblem, renameChain } from '../../server/src/features/rename';
import { inNs, netnsUnavailable, run } from './support/netns';

const FIXTURES = join(__dirname, '..', 'fixtures');
const unavailable = netnsUnavailable();

function withNamespace(tag: string, body: (ns: string) => void): void {
  const ns = `ipl3${tag}${process.pid}`;
  run(['ip', 'netns', 'add', ns]);
  try {
    body(ns);
  } finally {
    // Legacy tables live in the namespace too; deleting it drops both backends' state.
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

test('new chain names: we refuse exactly what `iptables -N` refuses (nf_tables and legacy)', (t) => {
  if (unavailable) return t.skip(unavailable);
  const table = Analysis.of('*filter\n:INPUT ACCEPT [0:0]\n:EXISTING - [0:0]\nCOMMIT\n', 'iptables-save').ruleset.tables[0];
  const names = [
    'A'.repeat(28), 'A'.repeat(29), 'DNAT', 'LOG', 'MASQUERADE', 'ACCEPT', 'RETURN', '-X', '!X', 'a b', 'EXISTING',
    'KUBE-SVC-7RUAH544RSSBQYKK', 'dnat', 'PREROUTING', 'x,y', 'a#b', 'web-in.v2',
  ];
  for (const bin of ['iptables', 'iptables-legacy']) {
    withNamespace('n', (ns) => {
      inNs(ns, [bin, '-N', 'EXISTING']);
      for (const name of names) {
        const r = spawnSync('ip', ['netns', 'exec', ns, bin, '-N', name], { encoding: 'utf8' });
        const kernelAccepts = r.status === 0;
        if (kernelAccepts) spawnSync('ip', ['netns', 'exec', ns, bin, '-X', name]);
        const ours = chainNameProblem(name, table, 'OLD');
        assert.equal(ours === null, kernelAccepts, `${bin} -N ${JSON.stringify(name)}: kernel ${kernelAccepts ? 'accepts' : `refuses (${r.stderr.trim().split('\n')[0]})`}, we say ${ours ?? 'fine'}`);
      }
      inNs(ns, [bin, '-F'], { ok: true });
      inNs(ns, [bin, '-X'], { ok: true });
    });
  }
});

/** The rule and chain lines of `iptables-save -t TABLE`, without comments and counters, sorted. */
function saved(ns: string, table: string): string[] {
  return inNs(ns, ['iptables-save', '-t', table]).split('\n')
    .filter((l) => l.startsWith(':') || l.startsWith('-A'))
    .map((l) => l.replace(/ \[\d+:\d+\]$/, ''))
    .sort();
}

function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lines = text.split('\n');
  for (const e of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
    const l = lines[e.range.start.line];
    lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
  }
  return lines.join('\n');
}

const DOCKER = 'corpus/moby-docker/iptabler_golden_1_hairpin-false_internal-false_icc-false_masq-true_snat-false_gwm-nat_bindlh-true_iptables.save';
const roundTrips: [string, string, string, string][] = [
  ['seed/heketi-nat.save', 'nat', 'KUBE-SVC-7RUAH544RSSBQYKK', 'SVC-HEKETI'],
  ['seed/heketi-nat.save', 'nat', 'KUBE-MARK-MASQ', 'MARK-FOR-SNAT'],
  ['corpus/kube-proxy/cleanup_test_expected.save', 'nat', 'KUBE-KUBELET-CANARY', 'CANARY'],
  // DOCKER is a chain of filter and of nat: renaming nat's leaves filter's alone.
  [DOCKER, 'nat', 'DOCKER', 'DOCKER-DNAT'],
  [DOCKER, 'filter', 'DOCKER-FORWARD', 'DKR-FWD'],
];

for (const [file, table, oldName, newName] of roundTrips) {
  test(`renaming ${table}/${oldName} in ${file}: the kernel loads it and saves the same ruleset under the new name`, (t) => {
    if (unavailable) return t.skip(unavailable);
    const text = readFileSync(join(FIXTURES, file), 'utf8');
    const analysis = Analysis.of(text, 'iptables-save');
    const tbl = analysis.ruleset.tables.find((x) => x.name === table)!;
    const chain = tbl.chainsByName.get(oldName);
    assert.ok(chain?.nameSpan, `${oldName} is declared in ${file}`);
    const edit = renameChain(analysis, 'u', chain.nameSpan.line, chain.nameSpan.start, newName);
    const renamed = applyEdits(text, edit.changes!.u);
    const tables = [...new Set(analysis.ruleset.tables.map((x) => x.name))];
    withNamespace('r', (ns) => {
      inNs(ns, ['iptables-restore'], { input: text });
      const before = new Map(tables.map((name) => [name, saved(ns, name)]));
      inNs(ns, ['iptables-restore'], { input: renamed });
      const token = new RegExp(`(?<=^:|\\s)${oldName}(?=\\s|$)`, 'g');
      for (const name of tables) {
        const after = saved(ns, name);
        const was = before.get(name)!;
        if (name !== table) {
          assert.deepEqual(after, was, `table ${name} is untouched`);
          continue;
        }
        assert.ok(was.some((l) => l.match(token)), 'the name was there to change');
        assert.deepEqual(after, was.map((l) => l.replace(token, newName)).sort());
      }
    });
  });
}
