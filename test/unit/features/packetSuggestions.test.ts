import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from '../../../server/src/model/parse';
import { packetSuggestions } from '../../../server/src/features/packetSuggestions';
import { generateKubeProxy } from '../../support/kubeProxy';

const fixture = (p: string) => readFileSync(join(__dirname, '../../fixtures', p), 'utf8');
const suggest = (text: string) => packetSuggestions(parse(text));
const packets = (text: string) => suggest(text).map((s) => s.packet);

test('the seed: the heketi Service cluster IP becomes a TCP packet to 10.96.125.27:8080', () => {
  const all = suggest(fixture('seed/heketi-nat.save'));
  const heketi = all.find((s) => s.label.includes('default/heketi'));
  assert.ok(heketi, `no heketi suggestion among ${JSON.stringify(all.map((s) => s.label))}`);
  assert.match(heketi.packet, /^tcp \S+ -> 10\.96\.125\.27:8080(\s|$)/);
  assert.equal(heketi.label, 'default/heketi cluster IP');
  assert.match(heketi.detail, /KUBE-SVC-7RUAH544RSSBQYKK/);
  // The KUBE-MARK-MASQ rules beside each Service rule are not Services of their own.
  assert.deepEqual(all.map((s) => s.packet.split(' -> ')[1].split(' ')[0]), [
    '10.96.0.10:53', '10.96.0.10:53', '10.96.125.27:8080', '10.96.0.1:443', '10.96.232.136:6666',
  ]);
  assert.deepEqual(all.map((s) => s.packet.split(' ')[0]), ['udp', 'tcp', 'tcp', 'tcp', 'tcp']);
});

test('generated kube-proxy dump: each Service once, its NodePort to this host, endpoints counted', () => {
  const dump = generateKubeProxy({ services: 2, endpointsPerService: 3, nodePortEvery: 2 });
  const all = suggest(dump.save);
  const [first, second] = dump.services;
  const cluster = all.filter((s) => s.label.endsWith('cluster IP'));
  assert.deepEqual(cluster.map((s) => s.packet.split(' -> ')[1].split(' ')[0]), [
    `${first.clusterIP}:${first.servicePort}`, `${second.clusterIP}:${second.servicePort}`,
  ]);
  assert.match(cluster[0].detail, /\(3 endpoints\)$/);
  const nodePorts = all.filter((s) => s.label.includes('NodePort'));
  assert.equal(nodePorts.length, 1);
  assert.equal(nodePorts[0].packet, `${first.protocol} 192.0.2.10:40000 -> 198.51.100.1:${first.nodePort} in eth0 local 198.51.100.1`);
});

test('Docker published ports: the DNAT match, on this host or on the address the rule binds', () => {
  const dump = [
    '*nat',
    ':DOCKER - [0:0]',
    '-A DOCKER -i docker0 -j RETURN',
    '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    '-A DOCKER -d 203.0.113.7/32 ! -i docker0 -p udp -m udp --dport 5353 -j DNAT --to-destination 172.17.0.3:53',
    '-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 9000 -j DNAT --to-destination 172.17.0.4:9000',
    'COMMIT',
    '',
  ].join('\n');
  assert.deepEqual(suggest(dump).map((s) => [s.label, s.packet]), [
    ['Docker published port 8080/tcp → 172.17.0.2:80', 'tcp 192.0.2.10:40000 -> 198.51.100.1:8080 in eth0 local 198.51.100.1'],
    ['Docker published port 5353/udp → 172.17.0.3:53', 'udp 192.0.2.10:40000 -> 203.0.113.7:5353 in eth0 local 203.0.113.7'],
    ['Docker published port 9000/tcp → 172.17.0.4:9000', 'tcp 127.0.0.1:40000 -> 127.0.0.1:9000 from local'],
  ]);
});

test('INPUT accepts: ports of ACCEPT rules in INPUT and the chains it reaches, with the rule\'s own addresses', () => {
  const dump = [
    '*filter',
    ':INPUT DROP [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':services - [0:0]',
    '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A INPUT -s 10.1.0.0/16 -i wg+ -p tcp -m tcp --dport 22 -j ACCEPT',
    '-A INPUT -p tcp -m tcp ! --dport 23 -j ACCEPT',
    '-A INPUT -p tcp -m tcp --dport 25 -j DROP',
    '-A INPUT -j services',
    '-A services -p udp -m multiport --dports 500,4500 -m comment --comment "ipsec" -j ACCEPT',
    '-A services -p tcp -m tcp --dport 1000:2000 -m conntrack --ctstate ESTABLISHED -j ACCEPT',
    '-A FORWARD -p tcp -m tcp --dport 80 -j ACCEPT',
    'COMMIT',
    '',
  ].join('\n');
  assert.deepEqual(suggest(dump).map((s) => [s.label, s.packet, s.detail]), [
    ['INPUT accepts tcp port 22', 'tcp 10.1.0.1:40000 -> 198.51.100.1:22 in wg0 local 198.51.100.1', 'filter INPUT rule 2, line 7'],
    ['INPUT accepts udp port 500 (ipsec)', 'udp 192.0.2.10:40000 -> 198.51.100.1:500 in eth0 local 198.51.100.1', 'filter services rule 1, line 11'],
    ['INPUT accepts tcp port 1000', 'tcp 192.0.2.10:40000 -> 198.51.100.1:1000 in eth0 local 198.51.100.1 state ESTABLISHED', 'filter services rule 2, line 12'],
  ]);
});

test('IPv6: addresses in brackets, the rule\'s source port kept, network prefixes give their first host', () => {
  const dump = [
    '*filter',
    ':INPUT DROP [0:0]',
    '-A INPUT -s fe80::/10 -d fe80::/10 -p udp -m udp --sport 547 --dport 546 -j ACCEPT',
    '-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT',
    'COMMIT',
    '',
  ].join('\n');
  assert.deepEqual(packets(dump), [
    'udp [fe80::1]:547 -> [fe80::1]:546 in eth0 local fe80::1',
    'tcp [2001:db8::10]:40000 -> [2001:db8::1]:443 in eth0 local 2001:db8::1',
  ]);
});

test('a dump with none of these conventions, or no tables, suggests nothing', () => {
  assert.deepEqual(packets('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p icmp -j ACCEPT\nCOMMIT\n'), []);
  assert.deepEqual(packets(''), []);
});
