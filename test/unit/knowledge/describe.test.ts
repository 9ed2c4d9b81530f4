import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeAddress, describeMarkChange, describeProtocol, describeRate, describeMarkTest, describeNatRange, describePorts, formatBytes, formatCount, formatPercent, ruleSentence,
} from '../../../server/src/knowledge/describe';
import { chainConvention, effectiveShares, serviceNameIn } from '../../../server/src/knowledge/conventions';
import { parseSave } from '../../../server/src/model/parseSave';

const cases = <I, O>(fn: (i: I) => O, table: [I, O][]) => {
  for (const [input, expected] of table) assert.equal(fn(input), expected, `for ${JSON.stringify(input)}`);
};

test('mark tests in words', () => {
  cases(describeMarkTest, [
    ['0x4000/0x4000', 'bit 0x4000 is set'],
    ['0x0/0x4000', 'bit 0x4000 is clear'],
    ['0x3/0x3', 'bits 0x1, 0x2 are all set'],
    ['0x1', 'the mark is exactly 0x1'],
    ['0x10/0xff', 'the bits under mask 0xff equal 0x10'],
  ]);
});

test('mark changes in words, for every form iptables-save writes', () => {
  // Save forms from SAVE_VS_NVL §3: --or-mark V → V/V, --and-mark M → 0x0/~M, --xor-mark V → V/0x0, --set-mark V → V/0xffffffff.
  assert.equal(describeMarkChange('set-xmark', '0x4000/0x4000'), 'sets bit 0x4000 of the mark');
  assert.equal(describeMarkChange('set-xmark', '0x0/0xffffff00'), 'clears bits 0xffffff00 of the mark');
  assert.equal(describeMarkChange('set-xmark', '0x2/0x0'), 'flips bit 0x2 of the mark');
  assert.equal(describeMarkChange('set-xmark', '0x9/0xffffffff'), 'sets the mark to 0x9');
  // (mark & ~0xff) ^ 0x10: the low byte becomes 0x10.
  assert.equal(describeMarkChange('set-xmark', '0x10/0xff'), 'sets the bits under mask 0xff of the mark to 0x10');
  // (mark & ~0xff) ^ 0x100: the low byte is cleared and bit 8 flips.
  assert.equal(describeMarkChange('set-xmark', '0x100/0xff'), 'clears bits 0xff and flips bit 0x100 of the mark');
  assert.equal(describeMarkChange('or-mark', '0x4000'), 'sets bit 0x4000 of the mark');
  assert.equal(describeMarkChange('xor-mark', '0x4000', 'connection mark'), 'flips bit 0x4000 of the connection mark');
});

test('addresses with their size', () => {
  cases(describeAddress, [
    ['10.254.0.0/16', '10.254.0.0/16 (65,536 addresses)'],
    ['10.1.2.3/32', '10.1.2.3 (a single address)'],
    ['10.1.2.3', '10.1.2.3 (a single address)'],
    ['10.0.0.0/255.255.0.0', '10.0.0.0/255.255.0.0 (65,536 addresses)'],
    ['10.0.0.0/255.0.255.0', '10.0.0.0/255.0.255.0 (a non-contiguous mask)'],
    ['2001:db8::/64', '2001:db8::/64 (2^64 addresses)'],
    ['fd00::/120', 'fd00::/120 (256 addresses)'],
    ['0.0.0.0/0', 'any address'],
  ]);
});

test('ports and NAT ranges', () => {
  cases(describePorts, [
    ['8080', 'port 8080'],
    ['8000:8010', 'ports 8000–8010 (11 ports)'],
    ['1024:', 'ports 1024–65535 (64,512 ports)'],
    ['80,443', 'ports 80, 443'],
  ]);
  cases(describeNatRange, [
    ['10.254.20.8:8080', '10.254.20.8, port 8080'],
    ['10.0.0.1-10.0.0.5:8000-8010', 'an address from 10.0.0.1 to 10.0.0.5, a port from 8000 to 8010'],
    ['[fd00:10:244::5]:8080', 'fd00:10:244::5, port 8080'],
    ['2001:db8::1', '2001:db8::1'],
  ]);
});

test('protocols by name or number (listings from iptables 1.8.9 print numbers)', () => {
  cases(describeProtocol, [['tcp', 'TCP'], ['6', 'TCP (protocol 6)'], ['17', 'UDP (protocol 17)'], ['0', 'any protocol'], ['253', 'protocol number 253'], ['ipv6-icmp', 'ICMPv6']]);
});

test('rates', () => {
  cases(describeRate, [['5/min', 'on average 5 packets per minute'], ['1/sec', 'on average 1 packet per second'], ['1kb/s', 'on average 1 kB per second'], ['2mb/hour', 'on average 2 MB per hour'], ['odd', 'odd']]);
});

test('effective shares from statistic probabilities in order', () => {
  const round = (xs: number[]) => xs.map((x) => Math.round(x * 1e4) / 1e4);
  assert.deepEqual(round(effectiveShares([0.33333333349, 0.5, null])), [0.3333, 0.3333, 0.3333]);
  assert.deepEqual(round(effectiveShares([0.25, 0.33333333349, 0.5, null])), [0.25, 0.25, 0.25, 0.25]);
  assert.deepEqual(effectiveShares([null]), [1]);
  // A rule after one without a probability is never reached.
  assert.deepEqual(effectiveShares([null, 0.5]), [1, 0]);
  assert.deepEqual([formatPercent(1 / 3), formatPercent(1), formatPercent(0.5)], ['33.3%', '100%', '50%']);
});

test('numbers in human units', () => {
  assert.equal(formatBytes(960), '960 bytes');
  assert.equal(formatBytes(113000), '113 kB (113,000 bytes)');
});

test('kube-proxy Service names in comments', () => {
  cases(serviceNameIn, [
    ['default/heketi: cluster IP', 'default/heketi'],
    ['kube-system/kube-dns:dns-tcp cluster IP', 'kube-system/kube-dns:dns-tcp'],
    ['masquerade traffic for ns4/svc4:p80 external destinations', 'ns4/svc4:p80'],
    ['kubernetes service portals', undefined],
  ]);
});

test('chain conventions by name', () => {
  const owner = (n: string) => chainConvention(n)?.owner;
  cases(owner, [
    ['KUBE-SVC-7RUAH544RSSBQYKK', 'kube-proxy'], ['KUBE-MARK-MASQ', 'kube-proxy'], ['DOCKER-USER', 'Docker'],
    ['DOCKER-ISOLATION-STAGE-2', 'Docker'], ['cali-fw-cali1234', 'Calico'], ['ufw-user-input', 'ufw'], ['f2b-sshd', 'fail2ban'],
    ['FLANNEL-FWD', 'flannel'], ['IN_public_allow', 'firewalld'], ['MYCHAIN', undefined],
  ]);
});

test('rule sentences for less common matches and targets', () => {
  const r = parseSave('*mangle\n:FORWARD ACCEPT [0:0]\n-A FORWARD -m ttl --ttl-lt 5 -j TTL --ttl-set 64\n-A FORWARD -p tcp -m tcp --dport 22 -m recent --update --seconds 60 --hitcount 4 --name SSH --mask 255.255.255.255 --rsource -j DROP\n-A FORWARD -m length --length 0:100 -m mac --mac-source 00:11:22:33:44:55 -j ACCEPT\nCOMMIT\n');
  assert.deepEqual(r.tables[0].chains[0].rules.map((x) => ruleSentence(x)), [
    'Packets with TTL < 5 → TTL --ttl-set 64',
    'TCP to port 22 seen in recent list SSH at least 4 times within 60 s → drop',
    'Packets at most 100 bytes long from MAC 00:11:22:33:44:55 → accept',
  ]);
});

test('rule sentences', () => {
  const r = parseSave('*filter\n:INPUT DROP [0:0]\n:F - [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -p tcp -m multiport --dports 80,443 -j F\n-A INPUT -s 10.0.0.0/8 -p udp -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable\n-A F -m comment --comment x\nCOMMIT\n');
  const rules = r.tables[0].chains.flatMap((c) => c.rules);
  assert.deepEqual(rules.map((x) => ruleSentence(x)), [
    'Packets in on lo → accept',
    'Packets in state RELATED,ESTABLISHED → accept',
    'TCP ports 80,443 → jump to F',
    'UDP to port 53 from 10.0.0.0/8 → reject with icmp-port-unreachable',
    'Every packet → count only (no target: the packet goes on to the next rule)',
  ]);
});

test('counts are grouped in thousands as toLocaleString(\'en-US\') groups them', () => {
  cases(formatCount, [[0, '0'], [7, '7'], [999, '999'], [1000, '1,000'], [65536, '65,536'], [1234567, '1,234,567'], [-1000, '-1,000'], [2 ** 40, '1,099,511,627,776']]);
  // Against ICU itself, over every digit count up to the largest safe integer and the values around each power of ten.
  const values = [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.5, 1234.5678, -0, 1e21];
  for (let p = 1; p <= 15; p++) values.push(10 ** p - 1, 10 ** p, 10 ** p + 1, -(10 ** p), Math.floor(10 ** p / 7));
  for (const n of values) assert.equal(formatCount(n), n.toLocaleString('en-US'), `for ${n}`);
});
