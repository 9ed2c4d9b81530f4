/**
 * `iptables-lens parse`: the documented JSON shape with 1-based lines, the
 * tree of the chain graph, standard input, and exit status 2 for unreadable
 * input. Expected values are read off the seed file by hand.
 */
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const CLI = join(__dirname, '..', '..', '..', 'server', 'src', 'cli.ts');
const SEED = join(__dirname, '..', '..', 'fixtures', 'seed', 'heketi-nat.save');

function run(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'parse', ...args], { encoding: 'utf8', input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--json gives the documented shape, 1-based, for the seed', () => {
  const r = run([SEED, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.format, 'save');
  assert.equal(j.family, 'ipv4');
  assert.deepEqual(j.tables.map((t: { name: string }) => t.name), ['nat']);
  const chains = new Map(j.tables[0].chains.map((c: { name: string }) => [c.name, c]));
  assert.equal(chains.size, 17);
  // `:KUBE-SVC-7RUAH544RSSBQYKK - [0:0]` is line 12; its one rule is on line 41; KUBE-SERVICES rule 6 (line 35) jumps to it.
  const svc = chains.get('KUBE-SVC-7RUAH544RSSBQYKK') as any;
  assert.deepEqual([svc.builtin, svc.policy, svc.line, svc.references], [false, null, 12, 1]);
  assert.deepEqual(svc.rules.map((r: any) => [r.line, r.index, r.target, r.targetKind]), [[41, 1, 'KUBE-SEP-IWORYNCAYHBSQHXU', 'jump']]);
  const sep = chains.get('KUBE-SEP-IWORYNCAYHBSQHXU') as any;
  const dnat = sep.rules[1];
  assert.deepEqual([dnat.line, dnat.target, dnat.targetKind], [29, 'DNAT', 'extension']);
  assert.deepEqual(dnat.matches.map((m: any) => m.module), ['protocol', 'comment', 'tcp']);
  assert.deepEqual(dnat.matches[1].options, { comment: 'default/heketi:' });
  const pre = chains.get('PREROUTING') as any;
  assert.deepEqual([pre.builtin, pre.policy, pre.line], [true, 'ACCEPT', 3]);
  assert.deepEqual(j.problems, []);
});

test('the tree walks from the built-in chains; - reads standard input', () => {
  const r = run(['-'], readFileSync(SEED, 'utf8'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /table nat: 17 chains, 22 rules/);
  assert.match(r.stdout, /→ \[line 35\] KUBE-SVC-7RUAH544RSSBQYKK \(1 rule\)\n\s+→ \[line 41\] KUBE-SEP-IWORYNCAYHBSQHXU \(2 rules\)/);
});

test('an unreadable file is a clear message and exit 2', () => {
  const r = run(['/nonexistent/rules.v4']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot read \/nonexistent\/rules\.v4: no such file/);
  assert.equal(run([]).status, 2);
});

test('output into a pipe closed early (| head -c 100) ends quietly: no stack trace, no error status', () => {
  // Enough output that the reader is gone before the CLI has written it all.
  const big = readFileSync(SEED, 'utf8').replace(/^COMMIT\n/m, Array.from({ length: 3000 }, (_, i) => `-A KUBE-SERVICES -d 10.0.${i >> 8}.${i & 255}/32 -j RETURN\n`).join('') + 'COMMIT\n');
  const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" --import tsx "${CLI}" parse - --json | head -c 100 > /dev/null; echo "status $?"`], { encoding: 'utf8', input: big, cwd: join(__dirname, '..', '..', '..') });
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /status 0/);
});

test('check into a pipe closed early still ends with its own status', () => {
  // Every one of these rules jumps to a chain that does not exist: an error each, and status 1.
  const bad = `*filter\n:INPUT ACCEPT [0:0]\n${Array.from({ length: 20000 }, (_, i) => `-A INPUT -s 10.1.${i >> 8}.${i & 255}/32 -j NOWHERE${i}\n`).join('')}COMMIT\n`;
  const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" --import tsx "${CLI}" check - | head -c 100 > /dev/null; echo "status $?"`], { encoding: 'utf8', input: bad });
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /status 1/);
});

test('a command named like a member of every JavaScript object is an unknown command', () => {
  for (const command of ['constructor', 'toString', '__proto__']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, command], { encoding: 'utf8' });
    assert.equal(r.status, 2, command);
    assert.match(r.stderr, new RegExp(`unknown command "${command}"`));
  }
});
