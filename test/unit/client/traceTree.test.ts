import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describePacket, findNode, formatProbability, parentId, traceTree, type TraceNode } from '../../../client/src/trace/traceTree';
import { SEED_PACKET, seedResult, threeEndpoints } from './traceResults';

/** The tree as indented lines `label — description`, to compare with what a person sees in the view. */
function outline(nodes: TraceNode[], depth = 0, out: string[] = []): string[] {
  for (const n of nodes) {
    out.push(`${'  '.repeat(depth)}${n.label}${n.description ? ` — ${n.description}` : ''}`);
    if (n.children) outline(n.children, depth + 1, out);
  }
  return out;
}

test('the seed trace: packet, one branch with its final packet, steps grouped by hook then table', () => {
  const lines = outline(traceTree(seedResult, SEED_PACKET, 0));
  assert.deepEqual(lines, [
    'tcp 192.0.2.10:40000 -> 10.96.125.27:8080 in eth0 — 1 branch',
    '  protocol — tcp',
    '  src — 192.0.2.10',
    '  sport — 40000',
    '  dst — 10.96.125.27',
    '  dport — 8080',
    '  in — eth0',
    '  state — NEW',
    'Branch 1: ✓ ACCEPT — p = 1',
    '  tcp 192.0.2.10:40000 -> 10.254.20.8:8080 in eth0 mark 0x4000 — final packet',
    '  PREROUTING — nat',
    // Eleven items for twelve rules: KUBE-SERVICES rules 1–4 are one; the two returns are not rules.
    '    nat — 11 steps · 12 rules evaluated',
    '      1✓ PREROUTING #1 — → cali-PREROUTING',
    '      2· cali-PREROUTING — ↩ back to the caller',
    '      3✓ PREROUTING #2 — → KUBE-SERVICES',
    '      4✗ KUBE-SERVICES #1–#4 — no match · 4 rules',
    '      5✓ KUBE-SERVICES #5 — → KUBE-MARK-MASQ',
    '      6✓ KUBE-MARK-MASQ #1 — mark |= 0x4000',
    '      7· KUBE-MARK-MASQ — ↩ back to the caller',
    '      8✓ KUBE-SERVICES #6 — → KUBE-SVC-7RUAH544RSSBQYKK',
    '      9✓ KUBE-SVC-7RUAH544RSSBQYKK #1 — → KUBE-SEP-IWORYNCAYHBSQHXU',
    '      10✗ KUBE-SEP-IWORYNCAYHBSQHXU #1 — no match',
    '      11✓ KUBE-SEP-IWORYNCAYHBSQHXU #2 — DNAT → 10.254.20.8:8080',
    '  POSTROUTING — nat',
    '    nat — 4 steps',
    '      12✓ POSTROUTING #1 — → cali-POSTROUTING',
    '      13· cali-POSTROUTING — ↩ back to the caller',
    '      14✓ POSTROUTING #2 — → KUBE-POSTROUTING',
    '      15✓ KUBE-POSTROUTING #1 — MASQUERADE',
  ]);
});

test('steps point at 0-based lines and back to their branch and index', () => {
  const roots = traceTree(seedResult, SEED_PACKET, 0);
  const dnat = findNode(roots, (n) => n.kind === 'step' && n.label.startsWith('11'))!;
  assert.deepEqual([dnat.branch, dnat.step, dnat.line], [0, 10, 28]);
  assert.match(dnat.tooltip!, /^Step 11 ✓ PREROUTING · nat KUBE-SEP-IWORYNCAYHBSQHXU rule 2: matched — DNAT → 10\.254\.20\.8:8080 \(line 29\)$/);
  // The run is one item that reveals its first line (30, 0-based 29).
  const run = findNode(roots, (n) => n.kind === 'step' && n.label.startsWith('4'))!;
  assert.deepEqual([run.label, run.description, run.branch, run.step, run.line], ['4✗ KUBE-SERVICES #1–#4', 'no match · 4 rules', 0, 3, 29]);
  assert.equal(run.tooltip, 'Step 4 ✗ PREROUTING · nat KUBE-SERVICES: rules 1–4 did not match (lines 30–33)');
});

test('ids are paths: every node\'s parent is found from its id, and ids are unique', () => {
  const roots = traceTree(threeEndpoints(), 'tcp 192.0.2.10:40000 -> 10.96.0.10:80', 1);
  const all: TraceNode[] = [];
  const walk = (nodes: TraceNode[], parent?: TraceNode) => {
    for (const n of nodes) {
      all.push(n);
      assert.equal(parentId(n.id), parent?.id, `parent of ${n.id}`);
      walk(n.children ?? [], n);
    }
  };
  walk(roots);
  assert.equal(new Set(all.map((n) => n.id)).size, all.length);
});

test('three endpoints: a branch per endpoint with its share, assumptions and final destination; the chosen one is marked', () => {
  const roots = traceTree(threeEndpoints(), 'tcp 192.0.2.10:40000 -> 10.96.0.10:80', 1);
  const branches = roots.filter((n) => n.kind === 'branch');
  assert.deepEqual(branches.map((b) => [b.label, b.description, b.selected]), [
    ['Branch 1: ✓ ACCEPT', 'p = 0.333', false],
    ['Branch 2: ✓ ACCEPT', 'p = 0.333 · shown in the editor', true],
    ['Branch 3: ✓ ACCEPT', 'p = 0.333', false],
  ]);
  assert.deepEqual(branches.map((b) => b.children!.filter((c) => c.kind === 'final').map((c) => c.label)), [
    ['tcp 192.0.2.10:40000 -> 10.244.0.2:8080'], ['tcp 192.0.2.10:40000 -> 10.244.0.3:8080'], ['tcp 192.0.2.10:40000 -> 10.244.0.4:8080'],
  ]);
  assert.deepEqual(branches[1].children!.filter((c) => c.kind === 'assumption').map((c) => c.label), [
    'statistic does not match (p = 0.667)', 'statistic matches (p = 0.5)',
  ]);
  assert.deepEqual(branches[2].children!.filter((c) => c.kind === 'hook').map((h) => `${h.label}: ${h.children!.map((t) => t.label).join(',')}`), [
    'PREROUTING: nat', 'FORWARD: filter',
  ]);
  assert.equal(roots[roots.length - 1].label, '2 more branches not shown');
});

test('packets: written as typed, IPv6 in brackets, unknown shapes still shown', () => {
  assert.equal(describePacket({ protocol: 'udp', src: '2001:db8::1', sport: 53, dst: '2001:db8::2', dport: 5353, out: 'eth1' }), 'udp [2001:db8::1]:53 -> [2001:db8::2]:5353 out eth1');
  assert.equal(describePacket({ protocol: 'icmp', src: '10.0.0.1', dst: '10.0.0.2', type: 8 }), 'icmp 10.0.0.1 -> 10.0.0.2 type 8');
  assert.equal(describePacket({ text: 'tcp 1.2.3.4:1 -> 5.6.7.8:2' }), 'tcp 1.2.3.4:1 -> 5.6.7.8:2');
  assert.equal(describePacket({ weird: 1 }), 'weird 1');
  // As the engine writes packets: starting values left out, words for what it cannot know kept readable.
  assert.equal(describePacket({
    family: 'ipv4', protocol: 'tcp', src: 'address of the output interface', dst: '10.254.20.8', sport: 40000, dport: 8080,
    in: 'eth0', fromLocal: false, state: 'NEW', mark: '0x4000', ctmark: '0x0', flags: 'SYN',
  }), 'tcp (address of the output interface):40000 -> 10.254.20.8:8080 in eth0 mark 0x4000');
  assert.equal(describePacket({
    family: 'ipv4', protocol: 'icmp', src: '10.0.0.1', dst: '10.0.0.2', fromLocal: true, local: ['10.0.0.1'], state: 'ESTABLISHED',
    mark: '0x0', ctmark: '0x1', icmpType: 0, icmpCode: 0,
  }), 'icmp 10.0.0.1 -> 10.0.0.2 from local local 10.0.0.1 state ESTABLISHED ctmark 0x1 type 0/0');
  assert.deepEqual([formatProbability(1), formatProbability(1 / 3), formatProbability(0.25)], ['p = 1', 'p = 0.333', 'p = 0.25']);
});
