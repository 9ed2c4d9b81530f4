/**
 * Three-valued matching, one match at a time: a rule `MATCH -j ACCEPT` in a
 * chain whose policy is DROP answers ACCEPT (yes), DROP (no), or forks
 * (maybe). Expected answers reasoned from the kernel's match code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Analysis } from '../../../server/src/model/analysis';
import { trace } from '../../../server/src/trace';

type Answer = 'yes' | 'no' | 'maybe';

function answer(table: string, chain: string, match: string, packet: string): Answer {
  const builtins = table === 'mangle' ? ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'] : ['INPUT', 'FORWARD', 'OUTPUT'];
  const dump = [`*${table}`, ...builtins.map((c) => `:${c} ${c === chain ? 'DROP' : 'ACCEPT'} [0:0]`), `-A ${chain} ${match} -j ACCEPT`, 'COMMIT', ''].join('\n');
  const r = trace(Analysis.of(dump), packet);
  assert.equal(r.error, undefined, r.error?.message);
  const verdicts = r.result!.branches.map((b) => b.verdict);
  if (verdicts.length > 1) return 'maybe';
  return verdicts[0] === 'ACCEPT' ? 'yes' : 'no';
}

const IN = 'tcp 10.0.0.1:1234 -> 10.0.0.2:80 in eth0';

const CASES: [string, string, string, string, Answer][] = [
  // [table, chain, match, packet, answer]
  ['filter', 'INPUT', '-s 10.0.0.0/255.255.255.0', IN, 'yes'],
  ['filter', 'INPUT', '! -s 10.0.0.0/8', IN, 'no'],
  ['filter', 'INPUT', '-d 10.0.0.2', IN, 'yes'],
  ['filter', 'INPUT', '-d 2001:db8::/32', IN, 'no'],
  ['filter', 'INPUT', '-p 6', IN, 'yes'],
  ['filter', 'INPUT', '! -p udp', IN, 'yes'],
  ['filter', 'INPUT', '-p all', IN, 'yes'],
  ['filter', 'INPUT', '-i eth+', IN, 'yes'],
  ['filter', 'INPUT', '! -i eth0', IN, 'no'],
  ['filter', 'INPUT', '-f', IN, 'no'],
  ['filter', 'INPUT', '! -f', IN, 'yes'],
  ['filter', 'INPUT', '-p tcp -m tcp --sport 1000:2000 --dport 80', IN, 'yes'],
  ['filter', 'INPUT', '-p tcp -m tcp ! --dport 1:1023', IN, 'no'],
  ['filter', 'INPUT', '-p tcp --dport http', IN, 'yes'],
  ['filter', 'INPUT', '-p tcp -m tcp --syn', IN, 'yes'],
  ['filter', 'INPUT', '-p tcp -m tcp ! --syn', `${IN} flags SYN,ACK`, 'yes'],
  ['filter', 'INPUT', '-p tcp -m tcp --tcp-flags ALL NONE', IN, 'no'],
  ['filter', 'INPUT', '-p tcp -m tcp --dport 80', 'tcp 10.0.0.1 -> 10.0.0.2 in eth0', 'maybe'],
  ['filter', 'INPUT', '-p tcp -m multiport --ports 1234', IN, 'yes'],
  ['filter', 'INPUT', '-p tcp -m multiport ! --dports 22,80:90', IN, 'no'],
  ['filter', 'INPUT', '-p icmp -m icmp --icmp-type port-unreachable', 'icmp 10.0.0.1 -> 10.0.0.2 type 3/3', 'yes'],
  ['filter', 'INPUT', '-p icmp -m icmp --icmp-type destination-unreachable', 'icmp 10.0.0.1 -> 10.0.0.2 type 3/1', 'yes'],
  ['filter', 'INPUT', '-p icmp -m icmp --icmp-type 3/3', 'icmp 10.0.0.1 -> 10.0.0.2 type 3/1', 'no'],
  ['filter', 'INPUT', '-p icmp -m icmp --icmp-type any', 'icmp 10.0.0.1 -> 10.0.0.2', 'yes'],
  ['filter', 'INPUT', '-m conntrack --ctstate NEW,RELATED', IN, 'yes'],
  ['filter', 'INPUT', '-m conntrack --ctstate NEW', `${IN} state ESTABLISHED`, 'no'],
  ['filter', 'INPUT', '-m conntrack --ctstate INVALID', `${IN} state INVALID`, 'yes'],
  ['filter', 'INPUT', '-m conntrack --ctproto tcp --ctorigdst 10.0.0.2', IN, 'yes'],
  ['filter', 'INPUT', '-m conntrack ! --ctorigsrc 10.0.0.1', `${IN} state UNTRACKED`, 'no'],
  ['filter', 'INPUT', '-m conntrack --ctstatus CONFIRMED', IN, 'no'],
  ['filter', 'INPUT', '-m conntrack --ctdir ORIGINAL', IN, 'yes'],
  ['filter', 'INPUT', '-m conntrack --ctdir ORIGINAL', `${IN} state ESTABLISHED`, 'maybe'],
  ['filter', 'INPUT', '-m state --state ESTABLISHED', `${IN} state ESTABLISHED`, 'yes'],
  ['filter', 'INPUT', '-m mark --mark 0x4/0x6', `${IN} mark 0xc`, 'yes'],
  ['filter', 'INPUT', '-m mark ! --mark 0x4', `${IN} mark 0xc`, 'yes'],
  ['filter', 'INPUT', '-m connmark --mark 0x1/0x1', `${IN} ctmark 3`, 'yes'],
  ['filter', 'INPUT', '-m connmark ! --mark 0x1', `${IN} state UNTRACKED`, 'no'],
  ['filter', 'INPUT', '-m addrtype --dst-type LOCAL', `${IN} local 10.0.0.2`, 'yes'],
  ['filter', 'FORWARD', '-m addrtype --dst-type UNICAST', `${IN} out eth1`, 'yes'],
  ['filter', 'FORWARD', '-m addrtype --dst-type MULTICAST', 'udp 10.0.0.1:5 -> 239.1.1.1:5 in eth0 out eth1', 'yes'],
  ['filter', 'INPUT', '-m iprange --src-range 10.0.0.0-10.0.0.9', IN, 'yes'],
  ['filter', 'INPUT', '-m iprange ! --dst-range 10.0.0.3-10.0.0.9', IN, 'yes'],
  ['filter', 'INPUT', '-m pkttype --pkt-type unicast', IN, 'yes'],
  ['filter', 'INPUT', '-m pkttype --pkt-type broadcast', 'udp 10.0.0.1:68 -> 255.255.255.255:67 in eth0', 'yes'],
  ['filter', 'INPUT', '-m comment --comment "any words"', IN, 'yes'],
  ['filter', 'INPUT', '-m length --length 0:60', `${IN} len 60`, 'yes'],
  ['filter', 'INPUT', '-m length --length 61:', `${IN} len 60`, 'no'],
  ['filter', 'INPUT', '-m length --length 61:', IN, 'maybe'],
  ['filter', 'INPUT', '-m ttl --ttl-gt 10', `${IN} ttl 64`, 'yes'],
  ['filter', 'FORWARD', '-m ttl --ttl-eq 63', `${IN} out eth1 ttl 64`, 'yes'],
  ['filter', 'INPUT', '-m tos --tos Minimize-Delay', `${IN} tos 0x10`, 'yes'],
  ['filter', 'INPUT', '-m dscp --dscp-class EF', `${IN} tos 0xb8`, 'yes'],
  ['filter', 'OUTPUT', '-m owner --uid-owner 0-99', 'tcp 10.0.0.2:5 -> 10.0.0.9:80 from local out eth1 uid 50', 'yes'],
  ['filter', 'INPUT', '-m owner ! --uid-owner 0', IN, 'yes'],
  ['filter', 'INPUT', '-m owner --uid-owner 0', IN, 'no'],
  ['filter', 'INPUT', '-m set --match-set allow src', `${IN} set allow`, 'yes'],
  ['filter', 'INPUT', '-m set ! --match-set allow src', `${IN} set other`, 'yes'],
  ['filter', 'INPUT', '-m set --match-set allow src', IN, 'maybe'],
  ['filter', 'INPUT', '-m mac --mac-source AA:BB:CC:DD:EE:FF', `${IN} mac aa:bb:cc:dd:ee:ff`, 'yes'],
  ['filter', 'INPUT', '-m mac --mac-source AA:BB:CC:DD:EE:FF', IN, 'maybe'],
  ['filter', 'INPUT', '-m limit --limit 5/sec', IN, 'maybe'],
  ['filter', 'INPUT', '-m recent --rcheck --name x', IN, 'maybe'],
  ['filter', 'INPUT', '-m u32 --u32 "0>>22&0x3C@0=0x29"', IN, 'maybe'],
  ['filter', 'INPUT', '-m policy --dir in --pol none', IN, 'yes'],
  ['filter', 'INPUT', '-m policy --dir in --pol ipsec', IN, 'no'],
  ['filter', 'INPUT', '-m statistic --mode random --probability 0.25', IN, 'maybe'],
  ['filter', 'INPUT', '-m rt --rt-type 0', 'tcp [2001:db8::1]:5 -> [2001:db8::2]:80 in eth0', 'no'],
  ['filter', 'INPUT', '-m frobnicate --wibble', IN, 'maybe'],
];

test('each match answers yes, no or maybe as the kernel would', () => {
  const wrong: string[] = [];
  for (const [table, chain, match, packet, expected] of CASES) {
    const got = answer(table, chain, match, packet);
    if (got !== expected) wrong.push(`${chain} ${match} | ${packet}: expected ${expected}, got ${got}`);
  }
  assert.deepEqual(wrong, []);
});

test('rewrites are seen by later rules: TOS, DSCP, TTL, NETMAP', () => {
  const dump = `*mangle
:PREROUTING ACCEPT [0:0]
:FORWARD DROP [0:0]
-A PREROUTING -j TOS --set-tos 0x10/0x3f
-A PREROUTING -m tos --tos 0x10 -j TTL --ttl-set 9
-A PREROUTING -m ttl --ttl-eq 9 -j DSCP --set-dscp 0x2e
-A FORWARD -m dscp --dscp 0x2e -m ttl --ttl-eq 8 -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
-A PREROUTING -d 192.168.1.0/24 -j NETMAP --to 10.9.8.0/24
COMMIT
`;
  const r = trace(Analysis.of(dump), 'udp 10.0.0.1:5 -> 192.168.1.77:53 in eth0 out eth1 tos 0');
  const b = r.result!.branches;
  assert.equal(b.length, 1);
  assert.equal(b[0].verdict, 'ACCEPT');
  assert.deepEqual([b[0].final.dst, b[0].final.tos, b[0].final.ttl], ['10.9.8.77', 0xb8, 9]);
});

test('a negated statistic takes the complement; the probabilities of the branches add up to one', () => {
  const dump = `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m statistic --mode random ! --probability 0.25 -j DROP\nCOMMIT\n`;
  const b = trace(Analysis.of(dump), IN).result!.branches;
  assert.deepEqual(b.map((x) => [x.verdict, x.probability]), [['DROP', 0.75], ['ACCEPT', 0.25]]);
});
