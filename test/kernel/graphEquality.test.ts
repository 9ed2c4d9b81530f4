/**
 * Graph equality, live: each ruleset is loaded with iptables-restore (nf_tables
 * backend) into a network namespace this process creates, then every table
 * is listed with `-nvL`, `-nvL -x --line-numbers`, `-L -v` (no -n), `-S` and
 * `iptables-save`; all five are parsed and their chain graphs compared.
 * Rules the kernel here refuses (ipset sets that do not exist on this
 * machine, …) are dropped before the load and named in the output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseListing } from '../../server/src/model/parseListing';
import { parseSave } from '../../server/src/model/parseSave';
import { compareGraphs, summarise } from '../support/compareGraphs';
import { oracleUnavailable, reportedLineOf } from '../support/restoreOracle';

const FIXTURES = join(__dirname, '..', 'fixtures');

const inputs: [string, 'ipv4' | 'ipv6'][] = [
  ['reference/rules4.loadable.rules', 'ipv4'],
  ['reference/rules6.loadable.rules', 'ipv6'],
  ['seed/heketi-nat.save', 'ipv4'],
  ['corpus/kube-proxy/cleanup_test_expected.save', 'ipv4'],
  ['corpus/kube-proxy/proxier_test_TestOverallIPTablesRules.save', 'ipv4'],
  ['corpus/netfilter-iptables-tests/fedora27-iptables.save', 'ipv4'],
  ['corpus/netfilter-iptables-tests/fedora27-ip6tables.save', 'ipv6'],
  ['corpus/netfilter-iptables-tests/firewalld-ipt-save-completed.save', 'ipv4'],
  ['corpus/moby-docker/iptabler_golden_6_hairpin-true_internal-false_icc-true_masq-true_snat-true_gwm-nat_bindlh-false_ip6tables.save', 'ipv6'],
];

/** Listing forms: name, arguments after `-t T`, and whether to run under `timeout 5` (reverse DNS). */
const LISTINGS: [string, string[], boolean][] = [
  ['nvL', ['-nvL'], false],
  ['nvLx', ['-nvL', '-x', '--line-numbers'], false],
  ['Lv', ['-L', '-v'], true],
];

const ns = `lzgeq${process.pid}`;

function inNs(cmd: string[], input?: string): { status: number | null; out: string; err: string } {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...cmd], { input, encoding: 'utf8', timeout: 60000, maxBuffer: 64 << 20 });
  return { status: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}

/** Loads what the kernel accepts: drops each rule line it names as refused, up to a limit. */
function loadAccepted(text: string, family: 'ipv4' | 'ipv6'): string[] {
  const restore = family === 'ipv6' ? 'ip6tables-restore' : 'iptables-restore';
  const lines = text.split('\n');
  const dropped: string[] = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    const r = inNs([restore], lines.join('\n'));
    if (r.status === 0) return dropped;
    const line = reportedLineOf(r.err + r.out);
    if (line === null || !/^\s*-[AI] /.test(lines[line - 1] ?? '')) throw new Error(`${restore} refused the file: ${r.err}`);
    const reason = r.err.split('\n').find((l) => l.trim() && !/^(Warning|warn:|Try )/.test(l)) ?? '';
    dropped.push(`${lines[line - 1]}  (${reason.trim()})`);
    lines[line - 1] = '';
  }
  throw new Error('too many refused rules');
}

test('graph equality against the kernel: save, -nvL, -nvL -x --line-numbers, -L -v and -S of every table', (t) => {
  const why = oracleUnavailable();
  if (why) {
    t.skip(why);
    return;
  }
  let comparisons = 0;
  const failures: string[] = [];
  try {
    for (const [file, family] of inputs) {
      spawnSync('ip', ['netns', 'del', ns]);
      const add = spawnSync('ip', ['netns', 'add', ns], { encoding: 'utf8' });
      if (add.status !== 0) {
        t.skip(`ip netns add failed: ${add.stderr}`);
        return;
      }
      const dropped = loadAccepted(readFileSync(join(FIXTURES, file), 'utf8'), family);
      if (dropped.length) t.diagnostic(`${file}: dropped ${dropped.length} rule(s) this kernel refuses: ${dropped.join(' | ')}`);
      const program = family === 'ipv6' ? 'ip6tables' : 'iptables';
      const all = inNs([`${program}-save`]);
      assert.equal(all.status, 0, all.err);
      const tableNames = [...all.out.matchAll(/^\*(\w+)/gm)].map((m) => m[1]);
      assert.ok(tableNames.length > 0, `${file}: tables loaded`);
      for (const table of tableNames) {
        const saved = inNs([`${program}-save`, '-t', table]);
        const save = parseSave(saved.out);
        assert.deepEqual(save.problems.filter((p) => p.severity === 'error'), [], `${file} ${table}: save parses`);
        assert.ok(summarise(save).size <= 1);
        const forms: [string, string][] = [];
        for (const [name, args, slow] of LISTINGS) {
          const cmd = [...(slow ? ['timeout', '5'] : []), program, '-t', table, ...args];
          const r = inNs(cmd);
          assert.equal(r.status, 0, `${cmd.join(' ')}: ${r.err}`);
          forms.push([name, `# ${program} -t ${table} ${args.join(' ')}\n${r.out}`]);
          // Pasted without the command line, the table comes from the built-in chains (security reads as filter).
          if (name === 'nvL' && table !== 'security') forms.push(['nvL without command line', r.out]);
        }
        const s = inNs([program, '-t', table, '-S']);
        assert.equal(s.status, 0, s.err);
        forms.push(['S', `# ${program} -t ${table} -S\n${s.out}`]);
        for (const [name, text] of forms) {
          const other = name === 'S' ? parseSave(text) : parseListing(text);
          const bad = other.problems.filter((p) => p.severity === 'error' || p.severity === 'warning');
          if (bad.length) failures.push(`${file} ${table} ${name}: ${bad.map((p) => `${p.code}@${p.span.line + 1}`).join(', ')}`);
          if (!name.includes('without')) assert.equal(other.family, family, `${file} ${table} ${name}: family`);
          const diffs = compareGraphs(save, other, 'save', name);
          comparisons++;
          if (diffs.length) failures.push(`${file} ${table} ${name}:\n  ${diffs.join('\n  ')}`);
        }
      }
    }
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
  t.diagnostic(`graph equality against the kernel: ${comparisons - failures.length}/${comparisons} table x form comparisons equal`);
  assert.ok(comparisons >= 60, `${comparisons} comparisons`);
  assert.deepEqual(failures, []);
});
