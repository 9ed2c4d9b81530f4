import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Analysis } from '../../../server/src/model/analysis';
import { hover } from '../../../server/src/features/hover';
import { cursor, textOf } from '../../support/cursor';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');

/** Hovers at the `$0` marker; returns the markdown and the text the hover range covers. */
function hoverAt(marked: string, languageId = 'iptables-save'): { value: string; covers: string } {
  const c = cursor(marked);
  const h = hover(Analysis.of(c.text, languageId), c.line, c.character);
  assert.ok(h, `no hover at ${JSON.stringify(c.text.split('\n')[c.line])}`);
  const value = (h.contents as { value: string }).value;
  return { value, covers: h.range ? textOf(c.text, h.range) : '' };
}

/** Puts `$0` into a fixture at the first occurrence of `at` on the first line containing `lineHas` (offset chars into `at`). */
function mark(text: string, lineHas: string, at: string, offset = 1): string {
  const lines = text.split('\n');
  const l = lines.findIndex((x) => x.includes(lineHas));
  assert.ok(l >= 0, `no line with ${lineHas}`);
  // `^` puts the cursor on the line's first word (a listing row's counters).
  const c = at === '^' ? lines[l].search(/\S/) : lines[l].indexOf(at, lines[l].indexOf(lineHas));
  assert.ok(c >= 0, `no ${at} on line ${lines[l]}`);
  lines[l] = lines[l].slice(0, c + offset) + '$0' + lines[l].slice(c + offset);
  return lines.join('\n');
}

function has(value: string, ...fragments: string[]): void {
  for (const f of fragments) assert.ok(value.includes(f), `expected ${JSON.stringify(f)} in:\n${value}`);
}

const seedSave = readFileSync(join(FIXTURES, 'seed', 'heketi-nat.save'), 'utf8');
const seedListing = readFileSync(join(FIXTURES, 'seed', 'heketi-nat.nvL'), 'utf8');

const SEED_CASES: { format: string; text: string; languageId: string; svcLine: string; masqLine: string }[] = [
  { format: 'save', text: seedSave, languageId: 'iptables-save', svcLine: ':KUBE-SVC-7RUAH544RSSBQYKK', masqLine: '-j MASQUERADE' },
  { format: 'listing', text: seedListing, languageId: 'iptables-listing', svcLine: 'Chain KUBE-SVC-7RUAH544RSSBQYKK', masqLine: 'MASQUERADE  all' },
];

for (const s of SEED_CASES) {
  test(`seed (${s.format}): KUBE-SVC-7RUAH544RSSBQYKK names default/heketi and its one endpoint at 100%`, () => {
    const h = hoverAt(mark(s.text, s.svcLine, 'KUBE-SVC-7RUAH544RSSBQYKK'), s.languageId);
    assert.equal(h.covers, 'KUBE-SVC-7RUAH544RSSBQYKK');
    has(h.value, 'user chain in nat', 'Service **default/heketi**', 'cluster IP: 10.96.125.27 port 8080/tcp', '**10.254.20.8:8080** — 100%', 'jumped to from `KUBE-SERVICES`');
  });

  test(`seed (${s.format}): the MASQUERADE rule explains mark 0x4000`, () => {
    const h = hoverAt(mark(s.text, s.masqLine, 'MASQUERADE'), s.languageId);
    assert.equal(h.covers, 'MASQUERADE');
    has(h.value, '**MASQUERADE**', 'address of the interface the packet leaves by', 'mark bit 0x4000 is set', 'nat table, POSTROUTING');
  });

  test(`seed (${s.format}): the mark match spells 0x4000/0x4000 out`, () => {
    const h = hoverAt(mark(s.text, s.masqLine.startsWith('-j') ? '-m mark' : 'mark match', '0x4000/0x4000'), s.languageId);
    has(h.value, 'bit 0x4000 is set');
  });

  test(`seed (${s.format}): a whole rule reads as one sentence with its counters`, () => {
    const line = s.format === 'save' ? '-A KUBE-SERVICES ! -s 10.254.0.0/16 -d 10.96.125.27/32' : '!10.254.0.0/16        10.96.125.27';
    const h = hoverAt(mark(s.text, line, '^', 0), s.languageId);
    has(h.value, 'KUBE-SERVICES rule 5', 'TCP to 10.96.125.27 port 8080 from outside 10.254.0.0/16 → jump to KUBE-MARK-MASQ (mark for masquerading)');
    has(h.value, s.format === 'save' ? 'No counters' : 'Counters: 0 packets, 0 bytes');
  });

  test(`seed (${s.format}): the addrtype match says LOCAL means this host`, () => {
    const h = hoverAt(mark(s.text, 'nodeports', s.format === 'save' ? 'addrtype' : 'ADDRTYPE'), s.languageId);
    has(h.value, 'routing type', '**LOCAL** — an address that belongs to this host');
  });

  test(`seed (${s.format}): the KUBE-SEP chain names its endpoint and Service`, () => {
    const h = hoverAt(mark(s.text, s.format === 'save' ? ':KUBE-SEP-' : 'Chain KUBE-SEP-', 'KUBE-SEP-'), s.languageId);
    has(h.value, 'Endpoint **10.254.20.8:8080** of Service **default/heketi**');
  });
}

test('seed (listing): a user chain sums the counters of the jumps into it, rounded figures said to be approximate', () => {
  // PREROUTING → KUBE-SERVICES: 63 packets, 8226 bytes; OUTPUT → KUBE-SERVICES: 1888 packets, 113K bytes (rounded by the listing).
  const h = hoverAt(mark(seedListing, 'Chain KUBE-SERVICES', 'KUBE-SERVICES'), 'iptables-listing');
  has(h.value, 'Sent here by the jumps: about 1,951 packets, about 121 kB.');
});

test('a hover summing the counters of the jumps into a chain leaves the rows that jump unread: a hub chain has tens of thousands', () => {
  const rows = Array.from({ length: 5 }, (_, i) => `   ${i + 1}   ${60 * (i + 1)} MARK       tcp  --  *      *       0.0.0.0/0            10.0.0.${i + 1}          tcp dpt:${80 + i}`);
  const listing = ['Chain INPUT (policy ACCEPT 0 packets, 0 bytes)', ' pkts bytes target     prot opt in     out     source               destination', ...rows, '', 'Chain MARK (5 references)', ' pkts bytes target     prot opt in     out     source               destination', ''].join('\n');
  const c = cursor(listing.replace('Chain MARK', 'Chain M$0ARK'));
  const analysis = Analysis.of(c.text, 'iptables-listing');
  const h = hover(analysis, c.line, c.character);
  has((h!.contents as { value: string }).value, 'Sent here by the jumps: 15 packets, 900 bytes.');
  const input = analysis.ruleset.tables[0].chainsByName.get('INPUT')!.rules as unknown as { isParsed: boolean }[];
  assert.deepEqual(input.map((r) => r.isParsed), [false, false, false, false, false]);
});

test('comments are shown as text, not markdown', () => {
  const h = hoverAt('*filter\n:INPUT ACCEPT [0:0]\n$0-A INPUT -m comment --comment "*bold* `code`" -j ACCEPT\nCOMMIT\n');
  has(h.value, '> \\*bold\\* \\`code\\`');
});

test('seed (save): MASQUERADE names the chain that sets the mark, and MARK --set-xmark 0x4000/0x4000 sets bit 0x4000', () => {
  has(hoverAt(mark(seedSave, '-j MASQUERADE', 'MASQUERADE')).value, 'the mark `KUBE-MARK-MASQ` sets');
  const h = hoverAt(mark(seedSave, '-j MARK', '--set-xmark'));
  assert.equal(h.covers, '--set-xmark 0x4000/0x4000');
  has(h.value, 'sets bit 0x4000 of the mark');
});

test('seed (save): a short chain is explained by its rules; KUBE-SERVICES counts its Service ports', () => {
  has(hoverAt(mark(seedSave, ':KUBE-MARK-MASQ', 'KUBE-MARK-MASQ')).value, '1. Every packet → sets bit 0x4000 of the mark');
  has(hoverAt(mark(seedSave, ':KUBE-POSTROUTING', 'KUBE-POSTROUTING')).value, '1. Packets when mark bit 0x4000 is set → masquerade');
  // dns, dns-tcp, heketi, kubernetes:https, calico-etcd.
  has(hoverAt(mark(seedSave, ':KUBE-SERVICES', 'KUBE-SERVICES')).value, '5 Service ports named in its rules');
});

test('kube-proxy corpus: KUBE-NODEPORTS lists node ports and their Services', () => {
  const text = readFileSync(join(FIXTURES, 'corpus', 'kube-proxy', 'proxier_test_TestOverallIPTablesRules.save'), 'utf8');
  const natAt = text.indexOf('*nat');
  const h = hoverAt(text.slice(0, natAt) + mark(text.slice(natAt), ':KUBE-NODEPORTS', 'KUBE-NODEPORTS'));
  has(h.value, 'Node ports:', '- 3001/tcp → **ns2/svc2:p80**', '- 3003/tcp → **ns3/svc3:p80**', '- 3002/tcp → **ns5/svc5:p80**');
});

test('seed (save): a Calico rule says who wrote it', () => {
  has(hoverAt(mark(seedSave, '-A PREROUTING -m comment --comment "cali:', '-A', 0)).value, 'Every packet → jump to cali-PREROUTING', 'Written by Calico', '`6gwbT8clXdHdC1b1`');
});

test('seed (save): table, policy and built-in chain hovers', () => {
  has(hoverAt(mark(seedSave, '*nat', 'nat')).value, '**nat** table', 'Address translation', '22 rules in 17 chains');
  const p = hoverAt(mark(seedSave, ':OUTPUT ACCEPT', 'ACCEPT'));
  assert.equal(p.covers, 'ACCEPT');
  has(p.value, '**Policy ACCEPT** of nat OUTPUT', 'Packets that met the policy: 16 packets, 960 bytes');
  has(hoverAt(mark(seedSave, ':PREROUTING', 'PREROUTING')).value, 'built-in chain of nat, policy ACCEPT', 'before the routing decision');
});

test('seed (listing): the policy in a chain header and the table named by a pasted shell prompt', () => {
  const p = hoverAt(mark(seedListing, 'Chain OUTPUT (policy', 'ACCEPT'), 'iptables-listing');
  assert.equal(p.covers, 'ACCEPT');
  has(p.value, '**Policy ACCEPT** of nat OUTPUT', '16 packets, 960 bytes');
  const pasted = readFileSync(join(FIXTURES, 'seed', 'heketi-nat.as-pasted.txt'), 'utf8');
  const t = hoverAt(mark(pasted, 'iptables -t nat', 'nat'), 'iptables-listing');
  assert.equal(t.covers, 'nat');
  has(t.value, '**nat** table', 'Address translation');
});

// Three endpoints the way kube-proxy writes them: 1/3, then 1/2 of the rest, then the rest.
// Effective shares, by hand: 0.33333333349; (1 − 0.33333333349) × 0.5 = 0.33333333326; what is left = 0.33333333325.
const THREE = `*nat
:PREROUTING ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-ABCDEFGHIJKLMNOP - [0:0]
:KUBE-SEP-AAAAAAAAAAAAAAAA - [0:0]
:KUBE-SEP-BBBBBBBBBBBBBBBB - [0:0]
:KUBE-SEP-CCCCCCCCCCCCCCCC - [0:0]
-A PREROUTING -j KUBE-SERVICES
-A KUBE-SERVICES -d 10.96.7.7/32 -p tcp -m comment --comment "shop/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-ABCDEFGHIJKLMNOP
-A KUBE-SVC-ABCDEFGHIJKLMNOP -m comment --comment "shop/web:http" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-AAAAAAAAAAAAAAAA
-A KUBE-SVC-ABCDEFGHIJKLMNOP -m comment --comment "shop/web:http" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-BBBBBBBBBBBBBBBB
-A KUBE-SVC-ABCDEFGHIJKLMNOP -m comment --comment "shop/web:http" -j KUBE-SEP-CCCCCCCCCCCCCCCC
-A KUBE-SEP-AAAAAAAAAAAAAAAA -p tcp -m comment --comment "shop/web:http" -m tcp -j DNAT --to-destination 10.244.1.5:8080
-A KUBE-SEP-BBBBBBBBBBBBBBBB -p tcp -m comment --comment "shop/web:http" -m tcp -j DNAT --to-destination 10.244.2.6:8080
-A KUBE-SEP-CCCCCCCCCCCCCCCC -p tcp -m comment --comment "shop/web:http" -m tcp -j DNAT --to-destination 10.244.3.7:8080
COMMIT
`;

test('kube-proxy with three endpoints: each gets 33.3% of new connections', () => {
  const h = hoverAt(mark(THREE, ':KUBE-SVC-ABCDEFGHIJKLMNOP', 'KUBE-SVC'));
  has(h.value, 'Service **shop/web:http**', 'cluster IP: 10.96.7.7 port 80/tcp', 'Endpoints (3)',
    '**10.244.1.5:8080** — 33.3%', '**10.244.2.6:8080** — 33.3%', '**10.244.3.7:8080** — 33.3%');
  assert.ok(!h.value.includes('66.7%') && !h.value.includes('50%'), h.value);
});

test('kube-proxy: the rule jumping to a Service summarises its endpoints; the statistic option says its raw probability', () => {
  has(hoverAt(mark(THREE, '-A KUBE-SERVICES -d', '-A', 0)).value, 'Service **shop/web:http** → 10.244.1.5:8080 33.3%, 10.244.2.6:8080 33.3%, 10.244.3.7:8080 33.3%');
  has(hoverAt(mark(THREE, '--probability 0.5', '--probability')).value, '50% of the packets that reach this rule');
});

test('kube-proxy: a Service chain with no endpoints says so', () => {
  const text = `*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-EMPTYEMPTYEMPTY1 - [0:0]\n-A KUBE-SERVICES -d 10.96.9.9/32 -p tcp -m comment --comment "ns/idle: cluster IP" -m tcp --dport 80 -j KUBE-SVC-EMPTYEMPTYEMPTY1\nCOMMIT\n*filter\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -d 10.96.9.9/32 -p tcp -m comment --comment "ns/idle has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n`;
  has(hoverAt(mark(text, ':KUBE-SVC-EMPTY', 'KUBE-SVC')).value, 'Service **ns/idle**', 'No endpoints: kube-proxy rejects traffic to it');
});

test('Docker (corpus): the DNAT rule and the DOCKER chain explain the published port', () => {
  const file = join(FIXTURES, 'corpus', 'moby-docker', 'iptabler_golden_1_hairpin-false_internal-false_icc-false_masq-true_snat-false_gwm-nat_bindlh-true_iptables.save');
  const text = readFileSync(file, 'utf8');
  const rule = hoverAt(mark(text, '--dport 8080 -j DNAT', 'DNAT'));
  // -A DOCKER -d 127.0.0.1/32 ! -i br-dummy -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.0.2:80
  has(rule.value, 'Docker published port: host 127.0.0.1 port 8080/tcp → container 192.168.0.2:80 (not from br-dummy)');
  // The nat table's DOCKER declaration comes after `*nat`.
  const natAt = text.indexOf('*nat');
  const chain = hoverAt(text.slice(0, natAt) + mark(text.slice(natAt), ':DOCKER -', 'DOCKER'));
  has(chain.value, '*Docker:*', 'Published ports:', 'host 127.0.0.1 port 8080/tcp → container 192.168.0.2:80');
});

test('Docker (corpus listing): the DOCKER chain of a -nvL --line-numbers listing lists the published port', () => {
  const text = readFileSync(join(FIXTURES, 'corpus', 'moby-docker', 'iptablesdoc_2025-08_usernet-portmap.nat.nvLx'), 'utf8');
  has(hoverAt(mark(text, 'Chain DOCKER (', 'DOCKER'), 'iptables-listing').value, 'host port 8080/tcp → container 192.0.2.2:80 (not from bridge1)');
});

test('values are spelled out: ctstate words, port ranges, CIDR sizes, negation, REJECT reply, LOG level', () => {
  const text = (rule: string) => `*filter\n:INPUT ACCEPT [0:0]\n${rule}\nCOMMIT\n`;
  has(hoverAt(text('-A INPUT -m conntrack --ctstate RELATED,EST$0ABLISHED -j ACCEPT')).value,
    '**RELATED** — a packet that starts a new connection tied to an existing one', '**ESTABLISHED** — a packet of a connection that has already seen traffic in both directions');
  has(hoverAt(text('-A INPUT -p tcp -m tcp --dport 8000:8$0010 -j ACCEPT')).value, 'ports 8000–8010 (11 ports)');
  has(hoverAt(text('-A INPUT -s 10.0.0.0/2$04 -j ACCEPT')).value, '10.0.0.0/24 (256 addresses)');
  has(hoverAt(text('-A INPUT ! -s 10.0.0.0/8$0 -j DROP')).value, '**Not** 10.0.0.0/8 (16,777,216 addresses)');
  has(hoverAt(text('-A INPUT -p tcp -j REJECT --reject-with tcp-re$0set')).value, 'answers a TCP packet with a TCP reset');
  has(hoverAt(text('-A INPUT -j LOG --log-prefix "FW: " --log-level 7$0')).value, '7: debug');
  has(hoverAt(text('-A INPUT -p tcp -j REJE$0CT')).value, 'Reply: icmp-port-unreachable (the default)', 'filter table, INPUT/FORWARD/OUTPUT');
  has(hoverAt(text('-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SY$0N -j DROP')).value, 'looking at FIN,SYN,RST,ACK: exactly SYN set');
});

test('targets: DNAT destination, MASQUERADE --random-fully, MARK forms, LOG prefix', () => {
  const nat = (rule: string, chain = 'PREROUTING') => `*nat\n:${chain} ACCEPT [0:0]\n${rule}\nCOMMIT\n`;
  has(hoverAt(nat('-A PREROUTING -p tcp -j DN$0AT --to-destination 10.254.20.8:8080')).value, '`--to-destination` 10.254.20.8, port 8080');
  has(hoverAt(nat('-A POSTROUTING -j MASQ$0UERADE --random-fully', 'POSTROUTING')).value, '`--random-fully`: Picks the source port fully at random');
  const mangle = (rule: string) => `*mangle\n:PREROUTING ACCEPT [0:0]\n${rule}\nCOMMIT\n`;
  has(hoverAt(mangle('-A PREROUTING -j MARK --set-xmark 0x1/0xff$0ffffff')).value, 'sets the mark to 0x1');
  has(hoverAt(mangle('-A PREROUTING -j MARK --set-xmark 0x0/0x4$0000')).value, 'clears bit 0x4000 of the mark');
  has(hoverAt(mangle('-A PREROUTING -j MARK --set-xmark 0x4000/0x0$0')).value, 'flips bit 0x4000 of the mark');
  has(hoverAt(mangle('-A PREROUTING -j LO$0G --log-prefix "IN: " --log-level 6')).value, '`--log-prefix` `IN: `', '`--log-level` 6: info');
});

test('an unknown match or target says iptables would refuse it', () => {
  has(hoverAt('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m nosuch$0 -j ACCEPT\nCOMMIT\n').value, 'unknown match module');
  has(hoverAt('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j NOWH$0ERE\nCOMMIT\n').value, 'not a chain of filter and not a known target');
});

test('nothing to say on a comment line or past the end', () => {
  const c = cursor('# a co$0mment\n*filter\nCOMMIT\n');
  assert.equal(hover(Analysis.of(c.text, 'iptables-save'), c.line, c.character), null);
});

test('kube-proxy corpus: a load-balancer firewall chain leads through KUBE-EXT to the endpoints; affinity rules are not picks', () => {
  const text = readFileSync(join(FIXTURES, 'corpus', 'kube-proxy', 'proxier_test_TestOverallIPTablesRules.save'), 'utf8');
  const fw = hoverAt(mark(text, ':KUBE-FW-NUKIZ6OKUXPJNT4C', 'KUBE-FW'));
  has(fw.value, 'Service **ns5/svc5:p80**', 'loadbalancer IP: 5.6.7.8 port 80/tcp', 'Endpoints (1)', '**10.180.0.3:80** — 100%', 'Session affinity');
  const ext = hoverAt(mark(text, ':KUBE-EXT-GNZBNJ2PO5MGZ6GT', 'KUBE-EXT'));
  has(ext.value, 'Service **ns2/svc2:p80**', 'node port: 3001/tcp', 'external IP: 192.168.99.22 port 80/tcp');
  assert.equal(ext.value.split('node port: 3001/tcp').length, 2, 'the node port is listed once');
  has(hoverAt(mark(text, 'ns6/svc6:p80 has no endpoints', 'REJECT')).value, 'Service **ns6/svc6:p80** has no endpoints, so connections to it are refused');
  // The filter table's KUBE-SERVICES has another job than the nat one.
  const filterAt = text.indexOf('*filter');
  has(hoverAt(text.slice(0, filterAt) + mark(text.slice(filterAt), ':KUBE-SERVICES', 'KUBE-SERVICES')).value, 'rejects connections to Services that have no endpoints');
});
