/**
 * The traversal on small inline dumps. Expected paths are worked out by hand
 * from the netfilter rules: hook and table order, calls, policies, NAT,
 * marks and forks. Each path lists the steps that took effect
 * (`table:chain#rule ACTION`, `table:chain policy ACTION`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Analysis } from '../../../server/src/model/analysis';
import type { TraceBranch } from '../../../server/src/protocol';
import { trace } from '../../../server/src/trace';

function run(dump: string, packet: string, branchLimit?: number) {
  const r = trace(Analysis.of(dump), packet, { branchLimit });
  assert.equal(r.error, undefined, r.error?.message);
  return r.result!;
}

function path(b: TraceBranch): string[] {
  return b.steps
    .filter((s) => s.result === 'match' || s.result === 'maybe-match' || s.result === 'policy')
    .map((s) => (s.rule === null ? `${s.table}:${s.chain} policy ${s.action}` : `${s.table}:${s.chain}#${s.rule} ${s.action}`));
}

/** Every step as `chain#rule result`, a run as `chain#first-last result` with its lines checked against its rules. */
function steps(b: TraceBranch): string[] {
  return b.steps.map((s) => {
    if (s.rule === null) return `${s.chain} ${s.result}`;
    if (s.lastRule === undefined) {
      assert.equal(s.lastLine, undefined, 'lastLine without lastRule');
      return `${s.chain}#${s.rule} ${s.result}${s.note ? ` (${s.note})` : ''}${s.assumption ? ` (${s.assumption})` : ''}`;
    }
    assert.equal(s.lastLine! - s.line!, s.lastRule - s.rule, 'a run has one line per rule');
    return `${s.chain}#${s.rule}-${s.lastRule} ${s.result}`;
  });
}

function only(dump: string, packet: string): TraceBranch {
  const r = run(dump, packet);
  assert.equal(r.branches.length, 1, `expected one branch, got ${r.branches.length}`);
  return r.branches[0];
}

const LOG_EVERYWHERE = `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -j LOG
-A OUTPUT -j LOG
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -j LOG
-A INPUT -j LOG
-A FORWARD -j LOG
-A OUTPUT -j LOG
-A POSTROUTING -j LOG
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -j LOG
-A INPUT -j LOG
-A OUTPUT -j LOG
-A POSTROUTING -j LOG
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -j LOG
-A FORWARD -j LOG
-A OUTPUT -j LOG
COMMIT
`;

function hooks(b: TraceBranch): string[] {
  return b.steps.filter((s) => s.rule !== null).map((s) => `${s.hook}/${s.table}`);
}

test('hooks and tables in kernel priority order: forwarded, delivered, locally generated', () => {
  assert.deepEqual(hooks(only(LOG_EVERYWHERE, 'tcp 10.0.0.1:1000 -> 10.0.0.2:80 in eth0 out eth1')), [
    'PREROUTING/raw', 'PREROUTING/mangle', 'PREROUTING/nat', 'FORWARD/mangle', 'FORWARD/filter', 'POSTROUTING/mangle', 'POSTROUTING/nat',
  ]);
  assert.deepEqual(hooks(only(LOG_EVERYWHERE, 'tcp 10.0.0.1:1000 -> 10.0.0.2:80 in eth0 local 10.0.0.2')), [
    'PREROUTING/raw', 'PREROUTING/mangle', 'PREROUTING/nat', 'INPUT/mangle', 'INPUT/filter', 'INPUT/nat',
  ]);
  assert.deepEqual(hooks(only(LOG_EVERYWHERE, 'tcp 10.0.0.2:1000 -> 10.0.0.9:80 from local out eth1')), [
    'OUTPUT/raw', 'OUTPUT/mangle', 'OUTPUT/nat', 'OUTPUT/filter', 'POSTROUTING/mangle', 'POSTROUTING/nat',
  ]);
});

test('without `local`, a packet given no output interface is for this host; with one it is forwarded', () => {
  assert.equal(only(LOG_EVERYWHERE, 'tcp 10.0.0.1:1000 -> 10.0.0.2:80 in eth0').steps.some((s) => s.hook === 'INPUT'), true);
  assert.equal(only(LOG_EVERYWHERE, 'tcp 10.0.0.1:1000 -> 10.0.0.2:80 in eth0 out eth1').steps.some((s) => s.hook === 'FORWARD'), true);
});

test('a locally generated packet to a local address loops back through lo, and NAT is not consulted again', () => {
  const b = only(LOG_EVERYWHERE, 'tcp 127.0.0.1:1000 -> 127.0.0.1:80 from local');
  assert.deepEqual(hooks(b), [
    'OUTPUT/raw', 'OUTPUT/mangle', 'OUTPUT/nat', 'OUTPUT/filter', 'POSTROUTING/mangle', 'POSTROUTING/nat',
    'PREROUTING/raw', 'PREROUTING/mangle', 'INPUT/mangle', 'INPUT/filter',
  ]);
});

test('nat is skipped for packets of established connections, and says so', () => {
  const b = only(LOG_EVERYWHERE, 'tcp 10.0.0.1:1000 -> 10.0.0.2:80 in eth0 out eth1 state ESTABLISHED');
  assert.deepEqual(hooks(b), ['PREROUTING/raw', 'PREROUTING/mangle', 'FORWARD/mangle', 'FORWARD/filter', 'POSTROUTING/mangle']);
  const skipped = b.steps.filter((s) => s.result === 'skipped');
  assert.deepEqual(skipped.map((s) => `${s.hook}/${s.table}`), ['PREROUTING/nat', 'POSTROUTING/nat']);
  assert.match(skipped[0].note ?? '', /first packet of a connection.*ESTABLISHED/);
});

const CALLS = `*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:A - [0:0]
:B - [0:0]
:C - [0:0]
-A INPUT -p tcp --dport 1 -j A
-A INPUT -p tcp --dport 2 -g B
-A INPUT -p tcp --dport 3 -j C
-A INPUT -j LOG
-A A -g B
-A A -j ACCEPT
-A B -j LOG
-A C -p tcp --sport 7 -j RETURN
-A C -j ACCEPT
COMMIT
`;

test('-j pushes a return point; -g does not: falling off a goto\'d chain returns to the last -j caller', () => {
  // INPUT -j A; A -g B; B falls off → back to INPUT after rule 1 (A's own rule 2 is never reached).
  assert.deepEqual(path(only(CALLS, 'tcp 10.0.0.1:7 -> 10.0.0.2:1 in eth0')), [
    'filter:INPUT#1 JUMP:A', 'filter:A#1 GOTO:B', 'filter:B#1 CONTINUE', 'filter:INPUT#4 CONTINUE', 'filter:INPUT policy DROP',
  ]);
});

test('falling off a chain reached by goto from a built-in chain applies the built-in policy', () => {
  const b = only(CALLS, 'tcp 10.0.0.1:7 -> 10.0.0.2:2 in eth0');
  assert.deepEqual(path(b), ['filter:INPUT#2 GOTO:B', 'filter:B#1 CONTINUE', 'filter:INPUT policy DROP']);
  assert.equal(b.verdict, 'DROP');
});

test('RETURN leaves a user chain; ACCEPT ends the table', () => {
  assert.deepEqual(path(only(CALLS, 'tcp 10.0.0.1:7 -> 10.0.0.2:3 in eth0')), [
    'filter:INPUT#3 JUMP:C', 'filter:C#1 RETURN', 'filter:INPUT#4 CONTINUE', 'filter:INPUT policy DROP',
  ]);
  const b = only(CALLS, 'tcp 10.0.0.1:8 -> 10.0.0.2:3 in eth0');
  assert.deepEqual(path(b), ['filter:INPUT#3 JUMP:C', 'filter:C#2 ACCEPT']);
  assert.equal(b.verdict, 'ACCEPT');
});

test('steps account for every rule evaluated, with 1-based lines, also those that did not match', () => {
  const b = only(CALLS, 'tcp 10.0.0.1:7 -> 10.0.0.2:3 in eth0');
  const lines = CALLS.split('\n');
  // INPUT rules 1 and 2 (--dport 1, --dport 2) both miss, one line after the other: one step for the two.
  const first = b.steps[0];
  assert.deepEqual([first.chain, first.rule, first.lastRule, first.result], ['INPUT', 1, 2, 'no-match']);
  assert.equal(lines[first.line! - 1], '-A INPUT -p tcp --dport 1 -j A');
  assert.equal(lines[first.lastLine! - 1], '-A INPUT -p tcp --dport 2 -g B');
  assert.deepEqual(steps(b), [
    'INPUT#1-2 no-match', 'INPUT#3 match (→ C)', 'C#1 match', 'INPUT#4 match (LOG)', 'INPUT policy',
  ]);
});

test('RETURN in a built-in chain applies its policy; a rule without a target only counts; null policy is ACCEPT', () => {
  const dump = `*filter
:INPUT - [0:0]
-A INPUT -s 10.0.0.1
-A INPUT -j RETURN
-A INPUT -j DROP
COMMIT
`;
  const b = only(dump, 'udp 10.0.0.1:5 -> 10.0.0.2:53 in eth0');
  assert.deepEqual(path(b), ['filter:INPUT#1 CONTINUE', 'filter:INPUT#2 RETURN', 'filter:INPUT policy ACCEPT']);
  assert.equal(b.verdict, 'ACCEPT');
});

const KUBE = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-X - [0:0]
:KUBE-SEP-1 - [0:0]
:KUBE-SEP-2 - [0:0]
:KUBE-SEP-3 - [0:0]
-A PREROUTING -j KUBE-SERVICES
-A POSTROUTING -j KUBE-POSTROUTING
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -j MASQUERADE
-A KUBE-SERVICES ! -s 10.244.0.0/16 -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-X
-A KUBE-SVC-X -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-1
-A KUBE-SVC-X -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-2
-A KUBE-SVC-X -j KUBE-SEP-3
-A KUBE-SEP-1 -p tcp -m tcp -j DNAT --to-destination 10.244.0.1:8080
-A KUBE-SEP-2 -p tcp -m tcp -j DNAT --to-destination 10.244.0.2:8080
-A KUBE-SEP-3 -p tcp -m tcp -j DNAT --to-destination 10.244.0.3:8080
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -d 10.244.0.2/32 -j ACCEPT
-A FORWARD -m mark --mark 0x4000/0x4000 -m conntrack --ctstate DNAT --ctorigdst 10.96.0.10 -j ACCEPT
COMMIT
`;

test('statistic forks: each endpoint gets its effective share, and later hooks see the DNAT and the mark', () => {
  const r = run(KUBE, 'tcp 192.0.2.1:4000 -> 10.96.0.10:80 in eth0 out eth1');
  assert.equal(r.branches.length, 3);
  const shares = r.branches.map((b) => +b.probability.toFixed(4));
  assert.deepEqual(shares, [0.3333, 0.3333, 0.3333]);
  assert.deepEqual(r.branches.map((b) => b.final.dst), ['10.244.0.1', '10.244.0.2', '10.244.0.3']);
  for (const b of r.branches) {
    assert.equal(b.verdict, 'ACCEPT');
    // Outside the pod CIDR: marked for masquerade, and the mark bit is cleared again before MASQUERADE.
    assert.equal(b.final.mark, '0x0');
    assert.match(String(b.final.src), /address of eth1/);
  }
  // Endpoint 2 is let through by its address; the others by mark + ctstate DNAT + original destination.
  assert.deepEqual(path(r.branches[1]).filter((s) => s.startsWith('filter')), ['filter:FORWARD#1 ACCEPT']);
  assert.deepEqual(path(r.branches[0]).filter((s) => s.startsWith('filter')), ['filter:FORWARD#2 ACCEPT']);
  assert.match(r.branches[0].steps.find((s) => s.chain === 'KUBE-SVC-X')!.note ?? '', /p = 0\.33333/);
  assert.ok(r.branches[0].steps.some((s) => s.note === 'DNAT → 10.244.0.1:8080'));
  assert.ok(r.branches[0].steps.some((s) => s.note === 'mark |= 0x4000'));
});

test('from inside the pod CIDR no mark is set, so FORWARD falls to its DROP policy unless the address is let through', () => {
  const r = run(KUBE, 'tcp 10.244.9.9:4000 -> 10.96.0.10:80 in eth0 out eth1');
  assert.deepEqual(r.branches.map((b) => b.verdict), ['DROP', 'ACCEPT', 'DROP']);
  assert.deepEqual(r.branches.map((b) => b.final.src), ['10.244.9.9', '10.244.9.9', '10.244.9.9']);
});

test('DNAT to a local address goes to INPUT; to a remote one, FORWARD', () => {
  const dump = `*nat
:PREROUTING ACCEPT [0:0]
-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 192.168.1.1:8080
-A PREROUTING -p tcp --dport 81 -j DNAT --to-destination 10.9.9.9
-A PREROUTING -p tcp --dport 82 -j REDIRECT --to-ports 3128
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
-A INPUT -d 192.168.1.1/32 -p tcp --dport 8080 -j ACCEPT
-A INPUT -p tcp --dport 3128 -j ACCEPT
-A FORWARD -d 10.9.9.9/32 -p tcp --dport 81 -j ACCEPT
COMMIT
`;
  const local = 'local 192.168.1.1';
  const a = only(dump, `tcp 10.0.0.1:5 -> 192.168.1.1:80 in eth0 ${local}`);
  assert.deepEqual(path(a), ['nat:PREROUTING#1 DNAT', 'filter:INPUT#1 ACCEPT', 'nat:INPUT policy ACCEPT']);
  const b = only(dump, `tcp 10.0.0.1:5 -> 192.168.1.1:81 in eth0 out eth1 ${local}`);
  assert.deepEqual(path(b), ['nat:PREROUTING#2 DNAT', 'filter:FORWARD#1 ACCEPT', 'nat:POSTROUTING policy ACCEPT']);
  assert.equal(b.final.dport, 81, 'a DNAT without a port keeps the port');
  const c = only(dump, `tcp 10.0.0.1:5 -> 203.0.113.7:82 in eth0 ${local}`);
  assert.deepEqual(path(c), ['nat:PREROUTING#3 REDIRECT', 'filter:INPUT#2 ACCEPT', 'nat:INPUT policy ACCEPT']);
  assert.deepEqual([c.final.dst, c.final.dport], ['192.168.1.1', 3128]);
});

test('SNAT rewrites the source at POSTROUTING, after filter has seen the original', () => {
  const dump = `*nat
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s 10.0.0.0/8 -o eth1 -j SNAT --to-source 198.51.100.1
-A POSTROUTING -s 198.51.100.1 -j LOG
COMMIT
*filter
:FORWARD DROP [0:0]
-A FORWARD -s 10.0.0.1 -j ACCEPT
COMMIT
`;
  const b = only(dump, 'udp 10.0.0.1:5 -> 8.8.8.8:53 in eth0 out eth1');
  assert.deepEqual(path(b), ['nat:PREROUTING policy ACCEPT', 'filter:FORWARD#1 ACCEPT', 'nat:POSTROUTING#1 SNAT']);
  assert.equal(b.final.src, '198.51.100.1');
});

test('MARK then match, CONNMARK save and restore with masks, seen by later tables', () => {
  const dump = `*mangle
:PREROUTING ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff
-A PREROUTING -m mark --mark 0x5/0xff -j ACCEPT
-A PREROUTING -j MARK --set-xmark 0x100/0xf00
-A PREROUTING -j MARK --or-mark 0x3
-A PREROUTING -j CONNMARK --save-mark --nfmask 0xf0f --ctmask 0xf0f
COMMIT
*filter
:FORWARD DROP [0:0]
-A FORWARD -m mark --mark 0x103 -m connmark --mark 0x103/0xfff -j ACCEPT
COMMIT
`;
  // ctmark 0x205: restore takes its low byte → mark 0x05 → rule 2 accepts at once.
  const a = only(dump, 'tcp 10.0.0.1:5 -> 10.0.0.9:80 in eth0 out eth1 ctmark 0x205');
  assert.deepEqual(path(a).slice(0, 2), ['mangle:PREROUTING#1 CONTINUE', 'mangle:PREROUTING#2 ACCEPT']);
  assert.equal(a.final.mark, '0x5');
  // ctmark 0: mark 0 → set 0x100 → or 0x3 = 0x103; save: ctmark = (0 & ~0xf0f) ^ (0x103 & 0xf0f) = 0x103.
  const b = only(dump, 'tcp 10.0.0.1:5 -> 10.0.0.9:80 in eth0 out eth1');
  assert.deepEqual(path(b).filter((s) => s.startsWith('filter')), ['filter:FORWARD#1 ACCEPT']);
  assert.deepEqual([b.final.mark, b.final.ctmark], ['0x103', '0x103']);
});

test('conntrack matches see INVALID in raw (before tracking) and UNTRACKED after NOTRACK', () => {
  const dump = `*raw
:PREROUTING ACCEPT [0:0]
-A PREROUTING -m conntrack --ctstate INVALID -j LOG
-A PREROUTING -p udp -j CT --notrack
COMMIT
*filter
:INPUT DROP [0:0]
-A INPUT -m conntrack --ctstate NEW -j ACCEPT
-A INPUT -m state --state UNTRACKED -j ACCEPT
COMMIT
`;
  assert.deepEqual(path(only(dump, 'udp 10.0.0.1:5 -> 10.0.0.2:53')), [
    'raw:PREROUTING#1 CONTINUE', 'raw:PREROUTING#2 CONTINUE', 'raw:PREROUTING policy ACCEPT', 'filter:INPUT#2 ACCEPT',
  ]);
  assert.deepEqual(path(only(dump, 'tcp 10.0.0.1:5 -> 10.0.0.2:53')), [
    'raw:PREROUTING#1 CONTINUE', 'raw:PREROUTING policy ACCEPT', 'filter:INPUT#1 ACCEPT',
  ]);
});

test('a maybe forks into match and no-match, each labelled, and the same fact is assumed consistently', () => {
  const dump = `*filter
:INPUT DROP [0:0]
-A INPUT -p tcp --dport 22 -m recent --rcheck --seconds 60 --name ssh -j DROP
-A INPUT -m set --match-set blocked src -j DROP
-A INPUT -m set --match-set blocked src -j LOG
-A INPUT -p tcp --dport 22 -j ACCEPT
COMMIT
`;
  const r = run(dump, 'tcp 10.0.0.1:5 -> 10.0.0.2:22');
  assert.deepEqual(r.branches.map((b) => b.verdict), ['DROP', 'DROP', 'ACCEPT']);
  assert.match(r.branches[0].assumptions[0], /^assuming -m recent --rcheck --seconds 60 --name ssh matches/);
  assert.match(r.branches[2].assumptions.join('|'), /assuming not: .*recent.*\|assuming not: the packet is in set blocked/);
  // The third branch assumed "not in set blocked" at rule 2 and keeps to it at rule 3.
  const rule3 = r.branches[2].steps.find((s) => s.rule === 3)!;
  assert.equal(rule3.result, 'no-match');
  const maybe = r.branches[0].steps.find((s) => s.rule === 1)!;
  assert.equal(maybe.result, 'maybe-match');
  // With the set stated, no fork on it.
  assert.deepEqual(run(dump, 'tcp 10.0.0.1:5 -> 10.0.0.2:22 set blocked').branches.map((b) => b.verdict), ['DROP', 'DROP']);
});

test('the branch limit leaves branches out and counts them', () => {
  const rules = Array.from({ length: 8 }, (_, i) => `-A INPUT -m limit --limit ${i + 1}/sec -j LOG`).join('\n');
  const dump = `*filter\n:INPUT ACCEPT [0:0]\n${rules}\nCOMMIT\n`;
  const r = run(dump, 'tcp 10.0.0.1:5 -> 10.0.0.2:22', 5);
  assert.equal(r.branches.length, 5);
  assert.ok((r.omittedBranches ?? 0) > 0);
});

test('a jump to a missing chain ends that branch with an error; a loop is caught', () => {
  const missing = `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -j NOPE\nCOMMIT\n`;
  const a = only(missing, 'tcp 10.0.0.1:5 -> 10.0.0.2:22');
  assert.equal(a.verdict, 'ERROR');
  assert.match(a.error ?? '', /chain NOPE does not exist/);
  const loop = `*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A A -j B\n-A B -j A\nCOMMIT\n`;
  const b = only(loop, 'tcp 10.0.0.1:5 -> 10.0.0.2:22');
  assert.equal(b.verdict, 'ERROR');
  assert.match(b.error ?? '', /loop/);
  const gotoLoop = `*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A A -g B\n-A B -g A\nCOMMIT\n`;
  const c = run(gotoLoop, 'tcp 10.0.0.1:5 -> 10.0.0.2:22').branches[0];
  assert.equal(c.verdict, 'ERROR');
  // Caught when B goes back to A, not after a million rules: INPUT#1, A#1, B#1.
  assert.match(c.error ?? '', /loop: A is already being walked \(goto from B rule 1\)/);
  assert.equal(c.steps.length, 3);
});

test('a chain reached by goto twice from different calls is no loop', () => {
  // INPUT calls X and Y in turn; each goes to A, which falls off and returns to INPUT.
  const dump = `*filter\n:INPUT DROP [0:0]\n:A - [0:0]\n:X - [0:0]\n:Y - [0:0]\n-A INPUT -j X\n-A INPUT -j Y\n-A INPUT -j ACCEPT\n-A X -g A\n-A Y -g A\n-A A -p udp -j DROP\nCOMMIT\n`;
  const b = only(dump, 'tcp 10.0.0.1:5 -> 10.0.0.2:22');
  assert.equal(b.verdict, 'ACCEPT');
  assert.deepEqual(b.steps.map((s) => `${s.chain}#${s.rule}:${s.result}`), [
    'INPUT#1:match', 'X#1:match', 'A#1:no-match', 'A#null:return',
    'INPUT#2:match', 'Y#1:match', 'A#1:no-match', 'A#null:return',
    'INPUT#3:match',
  ]);
});

test('ten thousand nested jumps trace without recursion limits', () => {
  const n = 10000;
  const lines = ['*filter', ':INPUT ACCEPT [0:0]'];
  for (let i = 0; i < n; i++) lines.push(`:C${i} - [0:0]`);
  lines.push('-A INPUT -j C0');
  for (let i = 0; i < n - 1; i++) lines.push(`-A C${i} -j C${i + 1}`);
  lines.push(`-A C${n - 1} -j DROP`, 'COMMIT', '');
  const b = only(lines.join('\n'), 'tcp 10.0.0.1:5 -> 10.0.0.2:22');
  assert.equal(b.verdict, 'DROP');
  assert.equal(b.steps.length, n + 1);
});

test('exact matches: v6 prefixes, negation, interface wildcards, multiport, flags, ICMP, addrtype, iprange, length, owner', () => {
  const dump = `*filter
:INPUT DROP [0:0]
:OUTPUT DROP [0:0]
-A INPUT -s 2001:db8::/32 ! -i lo -j LOG
-A INPUT -i veth+ -p tcp -m multiport --dports 20:22,80 -j LOG
-A INPUT -p tcp -m tcp --tcp-flags SYN,ACK SYN -j LOG
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type echo-request -j ACCEPT
-A INPUT -m addrtype --dst-type LOCAL -m iprange --src-range 2001:db8::1-2001:db8::9 -m length --length 60:100 -j ACCEPT
-A OUTPUT -m owner --uid-owner 1000-2000 -j ACCEPT
COMMIT
`;
  assert.deepEqual(path(only(dump, 'tcp [2001:db8::5]:5 -> [2001:db8::2]:21 in veth9 local 2001:db8::2 len 60')), [
    'filter:INPUT#1 LOG', 'filter:INPUT#2 LOG', 'filter:INPUT#3 LOG', 'filter:INPUT#5 ACCEPT',
  ].map((s) => s.replace(' LOG', ' CONTINUE')));
  assert.deepEqual(path(only(dump, 'tcp [2001:db9::5]:5 -> [2001:db8::2]:23 in eth0 local 2001:db8::2 flags SYN,ACK len 60')), [
    'filter:INPUT policy DROP',
  ]);
  assert.deepEqual(path(only(dump, 'icmpv6 2001:db9::5 -> 2001:db8::2 in eth0')), ['filter:INPUT#4 ACCEPT']);
  assert.deepEqual(path(only(dump, 'udp [2001:db8::2]:5 -> [2001:db8::7]:53 from local uid 1500')), ['filter:OUTPUT#1 ACCEPT']);
  assert.deepEqual(path(only(dump, 'udp [2001:db8::2]:5 -> [2001:db8::7]:53 from local uid 15')), ['filter:OUTPUT policy DROP']);
});

test('unknown facts fork: an unstated input interface, port or uid', () => {
  const dump = `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i eth0 -j DROP\nCOMMIT\n`;
  const r = run(dump, 'udp 10.0.0.1:5 -> 10.0.0.2:53');
  assert.deepEqual(r.branches.map((b) => b.verdict), ['DROP', 'ACCEPT']);
  assert.deepEqual(r.branches[0].assumptions, ['assuming the packet came in on eth0']);
});

test('a rule that cannot match does not fork on an unknowable match written before the test that fails', () => {
  const dump = `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m limit --limit 1/sec -s 10.9.9.9 -j DROP\nCOMMIT\n`;
  const r = run(dump, 'tcp 10.0.0.1:5 -> 10.0.0.2:22');
  assert.equal(r.branches.length, 1);
  assert.deepEqual(r.branches[0].steps.map((s) => s.result), ['no-match', 'policy']);
});

test('a trace leaves no rule parsed behind, and tracing again gives the same steps', () => {
  const dump = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-SVC-A - [0:0]',
    '-A PREROUTING -j KUBE-SERVICES',
    '-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 443 -j KUBE-SVC-A',
    '-A KUBE-SERVICES -d 10.96.0.2/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-A',
    '-A KUBE-SVC-A -p tcp -j DNAT --to-destination 10.1.0.5:8443',
    'COMMIT',
    '',
  ].join('\n');
  const analysis = Analysis.of(dump, 'iptables-save');
  const packet = 'tcp 192.0.2.10:40000 -> 10.96.0.1:443 in eth0';
  const rules = analysis.ruleset.tables.flatMap((t) => t.chains.flatMap((c) => c.rules));
  assert.equal(rules.length, 4);
  // The parse reads a small dump's rules whole: start from none parsed, as after the checks.
  for (const r of rules) r.release();
  const first = trace(analysis, packet).result!;
  assert.deepEqual(rules.map((r) => (r as unknown as { isParsed: boolean }).isParsed), [false, false, false, false]);
  assert.deepEqual(path(first.branches[0]), ['nat:PREROUTING#1 JUMP:KUBE-SERVICES', 'nat:KUBE-SERVICES#1 JUMP:KUBE-SVC-A', 'nat:KUBE-SVC-A#1 DNAT', 'nat:POSTROUTING policy ACCEPT']);
  assert.deepEqual(trace(analysis, packet).result, first);
});

/*
 * Runs of rules that did not match. Lines are numbered from 1 at `*filter`
 * (or `*nat`); a run reads `chain#first-last`, a plain step `chain#rule`.
 */

test('consecutive rules that miss, on consecutive lines, are one step; a run of one stays a plain step', () => {
  const dump = [
    '*filter',
    ':INPUT DROP [0:0]',
    '-A INPUT -s 10.9.9.1/32 -j ACCEPT',
    '-A INPUT -s 10.9.9.2/32 -j ACCEPT',
    '-A INPUT -s 10.9.9.3/32 -j ACCEPT',
    '-A INPUT -s 10.9.9.4/32 -j ACCEPT',
    '-A INPUT -p tcp --dport 22 -j LOG',
    '-A INPUT -s 10.9.9.5/32 -j ACCEPT',
    '-A INPUT -p tcp --dport 22 -j ACCEPT',
    'COMMIT',
    '',
  ].join('\n');
  const b = only(dump, 'tcp 10.0.0.1:5 -> 10.0.0.2:22 in eth0');
  // Rules 1–4 miss (lines 3–6); the LOG rule (5) matches and breaks the run; rule 6 misses alone; rule 7 accepts.
  assert.deepEqual(steps(b), ['INPUT#1-4 no-match', 'INPUT#5 match (LOG)', 'INPUT#6 no-match', 'INPUT#7 match']);
  assert.deepEqual(b.steps[0], {
    hook: 'INPUT', table: 'filter', chain: 'INPUT', rule: 1, line: 3, lastRule: 4, lastLine: 6, result: 'no-match', action: 'ACCEPT',
  });
  assert.deepEqual(Object.keys(b.steps[2]).filter((k) => k.startsWith('last')), [], 'a run of one has no lastRule or lastLine');
  assert.equal(b.steps[2].line, 8);
  assert.equal(b.verdict, 'ACCEPT');
});

test('a statistic rule not picked breaks a run with its note, and both branches of the fork keep their own runs', () => {
  const dump = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    '-A PREROUTING -d 10.96.0.1/32 -j DNAT --to-destination 10.1.0.1',
    '-A PREROUTING -d 10.96.0.2/32 -j DNAT --to-destination 10.1.0.2',
    '-A PREROUTING -m statistic --mode random --probability 0.25 -j LOG',
    '-A PREROUTING -d 10.96.0.3/32 -j DNAT --to-destination 10.1.0.3',
    '-A PREROUTING -d 10.96.0.4/32 -j DNAT --to-destination 10.1.0.4',
    '-A PREROUTING -d 10.96.0.9/32 -j DNAT --to-destination 10.1.0.9',
    'COMMIT',
    '',
  ].join('\n');
  const r = run(dump, 'tcp 192.0.2.1:4000 -> 10.96.0.9:80 in eth0 out eth1');
  assert.deepEqual(r.branches.map((b) => b.probability), [0.25, 0.75]);
  // The fork comes while the run of rules 1–2 is open: each branch closes its own copy.
  // nat POSTROUTING exists (a table has all its built-in chains) though the dump does not declare it: empty, policy ACCEPT.
  assert.deepEqual(steps(r.branches[0]), [
    'PREROUTING#1-2 no-match', 'PREROUTING#3 match (p = 0.25; LOG)', 'PREROUTING#4-5 no-match', 'PREROUTING#6 match (DNAT → 10.1.0.9:80)', 'POSTROUTING policy',
  ]);
  assert.deepEqual(steps(r.branches[1]), [
    'PREROUTING#1-2 no-match', 'PREROUTING#3 no-match (p = 0.75 not picked)', 'PREROUTING#4-5 no-match', 'PREROUTING#6 match (DNAT → 10.1.0.9:80)', 'POSTROUTING policy',
  ]);
  assert.deepEqual(r.branches.map((b) => [b.steps[2].line, b.steps[2].lastLine]), [[6, 7], [6, 7]]);
});

test('an assumption breaks a run, and a rule decided by an earlier assumption is not part of one', () => {
  const dump = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    '-A INPUT -s 10.9.9.1/32 -j DROP',
    '-A INPUT -s 10.9.9.2/32 -j DROP',
    '-A INPUT -m set --match-set blocked src -j LOG',
    '-A INPUT -s 10.9.9.3/32 -j DROP',
    '-A INPUT -m set --match-set blocked src -j DROP',
    '-A INPUT -s 10.9.9.4/32 -j DROP',
    '-A INPUT -s 10.9.9.5/32 -j DROP',
    'COMMIT',
    '',
  ].join('\n');
  const r = run(dump, 'tcp 10.0.0.1:5 -> 10.0.0.2:22');
  assert.deepEqual(r.branches.map((b) => b.verdict), ['DROP', 'ACCEPT']);
  assert.deepEqual(steps(r.branches[0]), [
    'INPUT#1-2 no-match',
    'INPUT#3 maybe-match (LOG) (assuming the packet is in set blocked)',
    'INPUT#4 no-match',
    'INPUT#5 maybe-match (assuming the packet is in set blocked)',
  ]);
  assert.deepEqual(steps(r.branches[1]), [
    'INPUT#1-2 no-match',
    'INPUT#3 no-match (assuming not: the packet is in set blocked)',
    'INPUT#4 no-match',
    'INPUT#5 no-match (assuming not: the packet is in set blocked)',
    'INPUT#6-7 no-match',
    'INPUT policy',
  ]);
});

test('a run ends where its chain does: a jump, the called chain and the return each break it', () => {
  const dump = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':A - [0:0]',
    '-A INPUT -s 10.9.9.1/32 -j DROP',
    '-A INPUT -j A',
    '-A INPUT -s 10.9.9.2/32 -j DROP',
    '-A INPUT -s 10.9.9.3/32 -j DROP',
    '-A A -s 10.9.9.4/32 -j DROP',
    '-A A -s 10.9.9.5/32 -j DROP',
    'COMMIT',
    '',
  ].join('\n');
  const b = only(dump, 'tcp 10.0.0.1:5 -> 10.0.0.2:22 in eth0');
  assert.deepEqual(steps(b), ['INPUT#1 no-match', 'INPUT#2 match (→ A)', 'A#1-2 no-match', 'A return', 'INPUT#3-4 no-match', 'INPUT policy']);
  assert.deepEqual(b.steps.filter((s) => s.lastRule).map((s) => [s.chain, s.line, s.lastLine]), [['A', 8, 9], ['INPUT', 6, 7]]);
});

test('rules next to each other in the chain but not in the file (interleaved -A lines, -I) are not a run', () => {
  const dump = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':A - [0:0]',
    '-A INPUT -s 10.9.9.1/32 -j DROP',
    '-A A -s 10.9.9.1/32 -j DROP',
    '-A INPUT -s 10.9.9.2/32 -j DROP',
    '-A A -s 10.9.9.2/32 -j DROP',
    '-A INPUT -s 10.9.9.3/32 -j DROP',
    '-A INPUT -s 10.9.9.4/32 -j DROP',
    '-I INPUT -s 10.9.9.5/32 -j DROP',
    'COMMIT',
    '',
  ].join('\n');
  const b = only(dump, 'tcp 10.0.0.1:5 -> 10.0.0.2:22 in eth0');
  // INPUT in order: line 10 (inserted first), then lines 4, 6, 8, 9: only the last two sit one after the other.
  assert.deepEqual(steps(b), ['INPUT#1 no-match', 'INPUT#2 no-match', 'INPUT#3 no-match', 'INPUT#4-5 no-match', 'INPUT policy']);
  assert.deepEqual(b.steps.map((s) => [s.line, s.lastLine]), [[10, undefined], [4, undefined], [6, undefined], [8, 9], [2, undefined]]);
});

test('a 10k-rule chain that misses to its last rule is one step per branch, standing for every rule', () => {
  const n = 10000;
  const lines = ['*filter', ':INPUT DROP [0:0]'];
  for (let i = 0; i < n; i++) lines.push(`-A INPUT -d 10.${(i >> 8) & 255}.${i & 255}.1/32 -p tcp --dport 80 -j ACCEPT`);
  lines.push('COMMIT', '');
  // The last rule's address: i = 9999 → 10.39.15.1.
  const b = only(lines.join('\n'), 'tcp 192.0.2.1:5 -> 10.39.15.1:80 in eth0');
  assert.deepEqual(steps(b), ['INPUT#1-9999 no-match', 'INPUT#10000 match']);
  assert.deepEqual([b.steps[0].line, b.steps[0].lastLine, b.steps[1].line], [3, 10001, 10002]);
});

test('a listing row whose columns refuse the packet is passed over without parsing its text, with the same path', () => {
  const listing = [
    'Chain PREROUTING (policy ACCEPT)',
    'target     prot opt source               destination',
    'KUBE-SERVICES  all  --  0.0.0.0/0            0.0.0.0/0',
    '',
    'Chain KUBE-SERVICES (1 references)',
    'target     prot opt source               destination',
    'DNAT       tcp  --  0.0.0.0/0            10.96.0.1            /* a/one */ tcp dpt:80 to:10.244.0.1:80',
    'DNAT       tcp  --  0.0.0.0/0            10.96.0.2            /* a/two */ tcp dpt:80 to:10.244.0.2:80',
    'DNAT       tcp  --  0.0.0.0/0            10.96.0.3            /* a/three */ tcp dpt:81 to:10.244.0.3:80',
    'DNAT       tcp  --  0.0.0.0/0            10.96.0.3            /* a/four */ tcp dpt:80 to:10.244.0.4:80',
    '',
  ].join('\n');
  const analysis = Analysis.of(listing, 'iptables-listing');
  const rows = analysis.ruleset.tables[0].chainsByName.get('KUBE-SERVICES')!.rules;
  const readText: number[] = [];
  for (const row of rows) {
    const proto = Object.getPrototypeOf(row) as { text(): unknown };
    Object.defineProperty(row, 'text', { value() { readText.push(row.index); return proto.text.call(this); } });
  }
  const r = trace(analysis, 'tcp 192.0.2.1:40000 -> 10.96.0.3:80');
  assert.equal(r.error, undefined);
  // Rows 1 and 2 differ in -d: their text is never read; row 3 needs it to see dpt:81.
  assert.deepEqual([...new Set(readText)], [3, 4]);
  assert.deepEqual(steps(r.result!.branches[0]).filter((s) => s.startsWith('KUBE-SERVICES')), ['KUBE-SERVICES#1-3 no-match', 'KUBE-SERVICES#4 match (DNAT → 10.244.0.4:80)']);
});
