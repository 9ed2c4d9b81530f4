/**
 * `iptables-lens trace`: a run of rules that did not match is one line of
 * the text output and one step of `--json`, with its fields as the engine
 * gives them. Expected values are read off the seed file by hand: the packet
 * to the heketi Service misses KUBE-SERVICES rules 1–4 (lines 30–33, the
 * kube-dns rules) before rule 5 (line 34) matches.
 */
import { spawnSync } from 'child_process';
import { join } from 'path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceResult, TraceStep } from '../../../server/src/protocol';
import { formatTrace } from '../../../server/src/trace/format';

const CLI = join(__dirname, '..', '..', '..', 'server', 'src', 'cli.ts');
const SEED = join(__dirname, '..', '..', 'fixtures', 'seed', 'heketi-nat.save');
const PACKET = 'tcp 10.1.2.3:40000 -> 10.96.125.27:8080 in eth0';

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'trace', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const at = (s: Partial<TraceStep> & Pick<TraceStep, 'chain' | 'result' | 'action'>): TraceStep => ({
  hook: 'PREROUTING', table: 'nat', rule: null, line: null, ...s,
});

/** A 10k-Service KUBE-SERVICES as the engine sends it: 9815 misses as one step, then the Service's rule. */
const LONG: TraceResult = {
  packet: { protocol: 'tcp', src: '192.0.2.10', sport: 40000, dst: '10.96.39.15', dport: 80 },
  branches: [{
    probability: 1,
    assumptions: [],
    verdict: 'ACCEPT',
    final: { protocol: 'tcp', src: '192.0.2.10', sport: 40000, dst: '10.96.39.15', dport: 80 },
    steps: [
      at({ chain: 'PREROUTING', rule: 1, line: 12, result: 'match', action: 'JUMP:KUBE-SERVICES' }),
      at({ chain: 'KUBE-SERVICES', rule: 1, line: 30, lastRule: 9815, lastLine: 9844, result: 'no-match', action: 'JUMP:KUBE-SVC-AAAA' }),
      at({ chain: 'KUBE-SERVICES', rule: 9816, line: 9845, result: 'no-match', action: 'JUMP:KUBE-SVC-BBBB', note: 'p = 0.5 not picked' }),
      at({ chain: 'KUBE-SERVICES', rule: 9817, line: 9846, result: 'match', action: 'JUMP:KUBE-SVC-CCCC' }),
    ],
  }],
};

test('a run is one line: its rules, its lines, how many rules, and not the first rule\'s target', () => {
  const lines = formatTrace(LONG).split('\n');
  const run = lines.filter((l) => l.includes('KUBE-SERVICES #1'));
  assert.equal(run.length, 1);
  assert.match(run[0], /^ {2}PREROUTING +nat +KUBE-SERVICES #1–#9815 +lines 30–9844 +no-match +\(9815 rules\)$/);
  // The line column is as wide as the run's, so the result column stays aligned.
  const single = lines.find((l) => l.includes('KUBE-SERVICES #9816'))!;
  assert.match(single, /line 9845 +no-match +JUMP:KUBE-SVC-BBBB {2}\(p = 0\.5 not picked\)$/);
  assert.equal(single.indexOf('no-match'), run[0].indexOf('no-match'));
  assert.equal(lines.find((l) => l.includes('KUBE-SERVICES #9817'))!.indexOf('match'), run[0].indexOf('no-match'));
  // --matched leaves the run out with the other misses.
  assert.ok(!formatTrace(LONG, true).includes('KUBE-SERVICES #1–'));
});

test('the seed: the four kube-dns rules KUBE-SERVICES tries first are one line of the output', () => {
  const r = run([SEED, '--packet', PACKET]);
  assert.equal(r.status, 0, r.stderr);
  const steps = r.stdout.split('\n').filter((l) => /^ {2}(PREROUTING|POSTROUTING) /.test(l));
  // 18 rules, returns and policies before; 15 steps once rules 1–4 are one.
  assert.equal(steps.length, 15);
  assert.match(steps[3], /KUBE-SERVICES #1–#4 +lines 30–33 +no-match +\(4 rules\)$/);
  assert.match(steps[4], /KUBE-SERVICES #5 +line 34 +match +JUMP:KUBE-MARK-MASQ/);
});

test('--json carries lastRule and lastLine on the run, and on no other step', () => {
  const r = run([SEED, '--packet', PACKET, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const steps: TraceStep[] = JSON.parse(r.stdout).branches[0].steps;
  assert.deepEqual(steps[3], {
    hook: 'PREROUTING', table: 'nat', chain: 'KUBE-SERVICES', rule: 1, line: 30, lastRule: 4, lastLine: 33, result: 'no-match', action: 'JUMP:KUBE-MARK-MASQ',
  });
  assert.deepEqual(steps.filter((s) => 'lastRule' in s || 'lastLine' in s).map((s) => s.rule), [1]);
});
