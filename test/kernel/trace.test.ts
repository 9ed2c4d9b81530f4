/**
 * The trace against the kernel's own: each ruleset is loaded into a firewall
 * namespace, real packets are sent through it from client namespaces (or from
 * the firewall itself for `from local`), `xtables-monitor --trace` records
 * what the kernel did, and the steps that took effect in our trace (matched
 * rules and policies, with their verdicts) must be the kernel's steps.
 *
 * Kernel rules are mapped back to ours by chain and position: the kernel
 * prints each rule in iptables-save form, which we look up in `iptables-save`
 * of the loaded dump. ESTABLISHED packets come from real connections: either
 * the client's handshake ACK to a listener in the firewall, or the SYN-ACK a
 * client's listener sends back to a connection the firewall opened.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Analysis } from '../../server/src/model/analysis';
import type { TraceBranch } from '../../server/src/protocol';
import { trace } from '../../server/src/trace';
import { inPrefix, parseAddress, parsePrefix } from '../../server/src/model/address';
import { generateKubeProxy } from '../support/kubeProxy';
import {
  addClientAddress, Agent, createLab, destroyLab, inNs, loadDump, Monitor, netnsUnavailable, nftPositions, parseMonitor, parseNftMonitor,
  type KernelPacket, type Lab,
} from './support/netns';

const FIX = join(__dirname, '..', 'fixtures');
const fixture = (p: string) => readFileSync(join(FIX, p), 'utf8');

type From = 'a' | 'b' | 'fw';
type Kind = 'syn' | 'udp' | 'ping' | 'est-ack' | 'est-reply' | 'related';

interface Case {
  from: From;
  kind: Kind;
  src: string;
  sport?: number;
  dst: string;
  dport?: number;
  /** Send this many times (statistic rulesets); each send is a case. */
  repeat?: number;
  /** ICMP type to send (echo request by default). */
  icmpType?: number;
  /** More words for the description, e.g. `state INVALID`. */
  extra?: string;
  label?: string;
}

interface RulesetSpec {
  name: string;
  /** The dump loaded into the kernel. */
  load: string;
  /** The text we trace over (defaults to `load`), e.g. the kernel's listing of it. */
  traced?: string;
  v6?: boolean;
  aIf?: string;
  bIf?: string;
  bPrefixes?: string[];
  local?: string[];
  cases: Case[];
  /** Statistic rulesets: check the branch frequencies over repeated sends. */
  statistic?: boolean;
}

let portSeq = 20000;
const nextPort = () => portSeq++;

function tcp(from: From, src: string, dst: string, dport: number, label?: string): Case {
  return { from, kind: 'syn', src, sport: nextPort(), dst, dport, label };
}
function udp(from: From, src: string, dst: string, dport: number, label?: string): Case {
  return { from, kind: 'udp', src, sport: nextPort(), dst, dport, label };
}
function ping(from: From, src: string, dst: string, label?: string): Case {
  return { from, kind: 'ping', src, dst, label };
}

// ---------------------------------------------------------------- rulesets

const HEKETI_CASES = (): Case[] => {
  const out: Case[] = [];
  const services: [string, number, 'tcp' | 'udp'][] = [
    ['10.96.125.27', 8080, 'tcp'], ['10.96.0.10', 53, 'udp'], ['10.96.0.10', 53, 'tcp'], ['10.96.0.1', 443, 'tcp'],
    ['10.96.232.136', 6666, 'tcp'], ['203.0.113.80', 80, 'tcp'],
  ];
  for (const [from, src] of [['a', '192.0.2.11'], ['b', '10.254.3.3']] as const) {
    for (const [dst, port, p] of services) out.push(p === 'tcp' ? tcp(from, src, dst, port) : udp(from, src, dst, port));
    out.push(ping(from, src, '10.96.125.27'));
  }
  out.push(tcp('a', '192.0.2.12', '192.168.50.10', 31131, 'NodePort on the node address'));
  out.push(tcp('fw', '192.168.50.10', '10.96.125.27', 8080, 'from the node itself'));
  out.push(udp('fw', '192.168.50.10', '10.96.0.10', 53));
  out.push(tcp('fw', '192.168.50.10', '203.0.113.80', 80));
  return out;
};

function kubeSpec(listing = false): RulesetSpec {
  const k = generateKubeProxy({ services: 8, endpointsPerService: 1, nodePortEvery: 2, noEndpointsEvery: 4 });
  const cases: Case[] = [];
  for (const s of k.services) {
    const mk = s.protocol === 'tcp' ? tcp : udp;
    cases.push(mk('a', '192.0.2.21', s.clusterIP, s.servicePort, `${s.name} cluster IP from outside`));
    cases.push(mk('b', '10.244.250.7', s.clusterIP, s.servicePort, `${s.name} cluster IP from a pod`));
    if (s.nodePort !== undefined) cases.push(mk('a', '192.0.2.22', '192.168.50.10', s.nodePort, `${s.name} NodePort`));
  }
  cases.push(tcp('fw', '192.168.50.10', k.services[0].clusterIP, k.services[0].servicePort, 'cluster IP from the node'));
  cases.push(tcp('fw', '192.168.50.10', k.services[3].clusterIP, k.services[3].servicePort, 'service without endpoints from the node'));
  cases.push(tcp('a', '192.0.2.21', '192.168.50.10', 22, 'node port 22, no Service'));
  cases.push(tcp('a', '192.0.2.21', '203.0.113.9', 80, 'forwarded, no Service'));
  return {
    name: `kube-proxy generated (8 services, NodePorts, no-endpoint Services)${listing ? ', traced over its -nvL listing' : ''}`,
    load: k.save, traced: listing ? k.listing : undefined, bPrefixes: ['10.244.0.0/16'], local: ['192.168.50.10'], cases,
  };
}

function kubeStatisticSpec(): RulesetSpec {
  const k = generateKubeProxy({ services: 2, endpointsPerService: 3 });
  const s = k.services[0];
  return {
    name: 'kube-proxy generated (3 endpoints per Service, statistic)', load: k.save, bPrefixes: ['10.244.0.0/16'], local: ['192.168.50.10'],
    statistic: true,
    cases: [{ from: 'a', kind: s.protocol === 'tcp' ? 'syn' : 'udp', src: '192.0.2.31', dst: s.clusterIP, dport: s.servicePort, repeat: 60, label: `${s.name} endpoint choice` }],
  };
}

const HAND_RULES = `*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p tcp -m tcp --dport 8000:8999 -j MARK --set-xmark 0x7/0xff
-A PREROUTING -p udp -j MARK --set-mark 0x100
-A FORWARD -m mark --mark 0x7/0xff -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:PORTMAP - [0:0]
-A PREROUTING -d 192.168.60.1/32 -j PORTMAP
-A OUTPUT -d 192.168.60.1/32 -j PORTMAP
-A PORTMAP -p tcp -m tcp --dport 2222 -j DNAT --to-destination 10.50.0.5:22
-A PORTMAP -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.50.0.6
-A PORTMAP -p tcp -m tcp --dport 9090 -j REDIRECT --to-ports 9091
-A POSTROUTING -s 10.50.0.0/16 ! -o eth1 -j SNAT --to-source 192.168.60.1
-A POSTROUTING -m mark --mark 0x100 -j MASQUERADE
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:CHECK - [0:0]
:SVC - [0:0]
:TAIL - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 9091 -j ACCEPT
-A INPUT -j CHECK
-A INPUT -p tcp -j REJECT --reject-with tcp-reset
-A CHECK -s 192.0.2.66/32 -j RETURN
-A CHECK -p tcp -m tcp --dport 22 -g SVC
-A CHECK -p udp -j LOG --log-prefix "udp "
-A SVC -s 192.0.2.0/28 -j ACCEPT
-A SVC -j TAIL
-A SVC -j DROP
-A TAIL -p tcp -m tcp --sport 1:1023 -j DROP
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -m conntrack --ctstate DNAT --ctorigdst 192.168.60.1 -p tcp -m tcp --dport 22 -j ACCEPT
-A FORWARD -m mark --mark 0x7/0xff -j ACCEPT
-A FORWARD -i eth1 -o eth0 -j ACCEPT
-A FORWARD -p icmp -j DROP
COMMIT
`;

function handCases(): Case[] {
  return [
    tcp('a', '192.0.2.5', '192.168.60.1', 22, 'goto SVC, accepted by source'),
    tcp('a', '192.0.2.50', '192.168.60.1', 22, 'goto SVC, TAIL, DROP'),
    tcp('a', '192.0.2.66', '192.168.60.1', 22, 'RETURN from CHECK then REJECT'),
    tcp('a', '192.0.2.50', '192.168.60.1', 23, 'CHECK falls off, REJECT'),
    udp('a', '192.0.2.50', '192.168.60.1', 53, 'LOG continues, policy DROP'),
    ping('a', '192.0.2.50', '192.168.60.1', 'ICMP echo accepted'),
    tcp('a', '192.0.2.50', '192.168.60.1', 2222, 'DNAT then FORWARD by ctorigdst'),
    tcp('a', '192.0.2.50', '192.168.60.1', 8080, 'DNAT keeps the port, MARK then match in FORWARD'),
    tcp('a', '192.0.2.50', '192.168.60.1', 9090, 'REDIRECT to a local port'),
    tcp('a', '192.0.2.50', '10.50.0.9', 8500, 'MARK then match accepts a forwarded packet'),
    tcp('a', '192.0.2.50', '10.50.0.9', 80, 'forwarded, dropped by policy'),
    udp('a', '192.0.2.50', '10.50.0.9', 53, 'MARK --set-mark then MASQUERADE by mark'),
    ping('a', '192.0.2.50', '10.50.0.9', 'forwarded ICMP dropped'),
    tcp('b', '10.50.0.5', '203.0.113.7', 443, 'from inside, SNAT'),
    udp('b', '10.50.0.5', '203.0.113.7', 53, 'from inside, mark and SNAT first'),
    tcp('fw', '192.168.60.1', '10.50.0.7', 22, 'from local, OUTPUT accept'),
    tcp('fw', '192.168.60.1', '192.168.60.1', 2222, 'from local to the published port: DNAT at OUTPUT'),
    tcp('fw', '192.168.60.1', '192.168.60.1', 22, 'from local to a local address: back in through lo'),
    udp('fw', '169.254.78.1', '203.0.113.7', 53, 'from local, MASQUERADE by mark? (no mark in OUTPUT)'),
    { from: 'a', kind: 'est-ack', src: '192.0.2.5', sport: nextPort(), dst: '192.168.60.1', dport: 22, label: 'ESTABLISHED ACK of an accepted SSH connection' },
    { from: 'a', kind: 'est-reply', src: '192.0.2.70', sport: 8443, dst: '169.254.77.1', dport: nextPort(), label: 'ESTABLISHED reply to a connection the host opened' },
    { from: 'a', kind: 'related', src: '192.0.2.71', sport: 9, dst: '192.168.60.1', dport: nextPort(), label: 'RELATED ICMP error: nat is not consulted' },
  ];
}

/** A ufw-style host firewall written for these tests (ufw's chain layout, SSH allowed, the rest refused). */
const UFW_STYLE = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:ufw-before-input - [0:0]
:ufw-before-output - [0:0]
:ufw-after-input - [0:0]
:ufw-user-input - [0:0]
:ufw-user-limit - [0:0]
:ufw-user-limit-accept - [0:0]
:ufw-logging-deny - [0:0]
:ufw-not-local - [0:0]
:ufw-reject-input - [0:0]
-A INPUT -j ufw-before-input
-A INPUT -j ufw-after-input
-A INPUT -j ufw-reject-input
-A OUTPUT -j ufw-before-output
-A ufw-before-input -i lo -j ACCEPT
-A ufw-before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A ufw-before-input -m conntrack --ctstate INVALID -j ufw-logging-deny
-A ufw-before-input -m conntrack --ctstate INVALID -j DROP
-A ufw-before-input -p icmp -m icmp --icmp-type 3 -j ACCEPT
-A ufw-before-input -p icmp -m icmp --icmp-type 11 -j ACCEPT
-A ufw-before-input -p icmp -m icmp --icmp-type 8 -j ACCEPT
-A ufw-before-input -p udp -m udp --sport 67 --dport 68 -j ACCEPT
-A ufw-before-input -j ufw-not-local
-A ufw-before-input -d 224.0.0.251/32 -p udp -m udp --dport 5353 -j ACCEPT
-A ufw-before-input -j ufw-user-input
-A ufw-before-output -o lo -j ACCEPT
-A ufw-before-output -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A ufw-not-local -m addrtype --dst-type LOCAL -j RETURN
-A ufw-not-local -m addrtype --dst-type MULTICAST -j RETURN
-A ufw-not-local -m addrtype --dst-type BROADCAST -j RETURN
-A ufw-not-local -j DROP
-A ufw-user-input -p tcp -m tcp --dport 22 -j ACCEPT
-A ufw-user-input -p tcp -m multiport --dports 80,443,8000:8010 -j ACCEPT
-A ufw-user-input -s 192.0.2.128/25 -p udp -m udp --dport 161 -j ACCEPT
-A ufw-user-input -p tcp -m tcp --dport 25 -j ufw-user-limit-accept
-A ufw-user-limit-accept -j ACCEPT
-A ufw-after-input -p udp -m udp --dport 137 -j DROP
-A ufw-after-input -p udp -m udp --dport 138 -j DROP
-A ufw-after-input -p tcp -m tcp --dport 139 -j DROP
-A ufw-after-input -p tcp -m tcp --dport 445 -j DROP
-A ufw-reject-input -p tcp -j REJECT --reject-with tcp-reset
-A ufw-reject-input -p udp -j REJECT --reject-with icmp-port-unreachable
COMMIT
`;

function ufwCases(): Case[] {
  const me = '192.168.70.1';
  return [
    tcp('a', '192.0.2.40', me, 22, 'SSH allowed'),
    tcp('a', '192.0.2.40', me, 23, 'telnet refused (reset)'),
    tcp('a', '192.0.2.40', me, 443, 'multiport'),
    tcp('a', '192.0.2.40', me, 8005, 'multiport range'),
    tcp('a', '192.0.2.40', me, 8011, 'just past the range'),
    tcp('a', '192.0.2.40', me, 139, 'after-input drop'),
    tcp('a', '192.0.2.40', me, 25, 'jump to an accepting chain'),
    udp('a', '192.0.2.40', me, 161, 'SNMP from outside the allowed /25'),
    udp('a', '192.0.2.200', me, 161, 'SNMP from the allowed /25'),
    udp('a', '192.0.2.40', me, 137, 'netbios dropped'),
    udp('a', '192.0.2.40', me, 9999, 'udp refused'),
    ping('a', '192.0.2.40', me, 'ICMP echo allowed'),
    tcp('a', '192.0.2.40', '203.0.113.5', 22, 'not for this host: forwarded, dropped'),
    tcp('fw', me, '192.0.2.40', 80, 'from local'),
    { from: 'a', kind: 'est-ack', src: '192.0.2.41', sport: nextPort(), dst: me, dport: 22, label: 'ESTABLISHED ACK of SSH' },
    { from: 'a', kind: 'est-reply', src: '192.0.2.42', sport: 8080, dst: me, dport: nextPort(), label: 'ESTABLISHED reply' },
    { from: 'a', kind: 'est-reply', src: '192.0.2.42', sport: 8081, dst: '169.254.77.1', dport: nextPort(), label: 'ESTABLISHED reply to the link address' },
    { from: 'a', kind: 'related', src: '192.0.2.43', sport: 9, dst: me, dport: nextPort(), label: 'RELATED port-unreachable for a datagram the host sent' },
  ];
}

function dockerCases(): Case[] {
  return [
    tcp('b', '192.168.0.5', '203.0.113.10', 443, 'container to the outside: accepted, masqueraded'),
    udp('b', '192.168.0.5', '203.0.113.10', 53, 'container DNS out'),
    ping('b', '192.168.0.5', '203.0.113.10', 'container ping out'),
    tcp('b', '192.168.0.5', '192.168.0.2', 80, 'inter-container (icc=false: dropped)'),
    tcp('a', '192.0.2.90', '192.168.0.2', 80, 'direct to the container from outside'),
    tcp('a', '192.0.2.90', '192.168.0.2', 81, 'direct to the container, unpublished port'),
    tcp('a', '192.0.2.90', '169.254.77.1', 8080, 'published port on the host address'),
    tcp('a', '192.0.2.90', '169.254.77.1', 22, 'host port'),
    ping('a', '192.0.2.90', '192.168.0.2', 'ping the container from outside'),
    tcp('fw', '169.254.77.1', '192.168.0.2', 80, 'from the host to the container'),
    tcp('fw', '169.254.77.1', '203.0.113.10', 80, 'from the host out'),
  ];
}

function fedoraCases(): Case[] {
  const me = '192.168.80.1';
  return [
    tcp('a', '192.0.2.60', me, 22, 'SSH allowed by the zone (goto)'),
    tcp('a', '192.0.2.60', me, 80, 'refused: REJECT host-prohibited'),
    tcp('a', '192.0.2.60', me, 5000, 'high port allowed'),
    udp('a', '192.0.2.60', me, 137, 'netbios, CT helper in raw'),
    udp('a', '192.0.2.60', me, 53, 'udp 53 refused (wrong interface)'),
    udp('a', '192.0.2.60', me, 40000, 'udp high port'),
    ping('a', '192.0.2.60', me, 'ICMP accepted by the zone'),
    tcp('a', '192.0.2.60', '203.0.113.20', 80, 'forwarded: REJECT'),
    ping('a', '192.0.2.60', '203.0.113.20', 'forwarded ICMP accepted by the zone'),
    tcp('fw', me, '203.0.113.20', 443, 'from local'),
    udp('fw', me, '203.0.113.20', 68, 'from local udp'),
    { from: 'a', kind: 'est-ack', src: '192.0.2.61', sport: nextPort(), dst: me, dport: 22, label: 'ESTABLISHED ACK' },
    { from: 'a', kind: 'est-reply', src: '192.0.2.62', sport: 8080, dst: me, dport: nextPort(), label: 'ESTABLISHED reply' },
  ];
}

function fedora6Cases(): Case[] {
  const me = '2001:db8:80::1';
  return [
    tcp('a', '2001:db8:1::60', me, 22, 'SSH'),
    tcp('a', '2001:db8:1::60', me, 80, 'refused'),
    tcp('a', '2001:db8:1::60', me, 5000, 'high port'),
    udp('a', '2001:db8:1::60', me, 546, 'dhcpv6 client port'),
    ping('a', '2001:db8:1::60', me, 'ICMPv6 echo'),
    tcp('a', '2001:db8:1::60', '2001:db8:99::20', 80, 'forwarded'),
    tcp('fw', me, '2001:db8:99::20', 443, 'from local'),
    { from: 'a', kind: 'est-reply', src: '2001:db8:1::62', sport: 8080, dst: me, dport: nextPort(), label: 'ESTABLISHED reply' },
  ];
}

/** ufw's before6.rules from the corpus, hooked into the built-in chains the way ufw does it, with an SSH rule. */
function ufw6Dump(): string {
  const hooks = [
    '-A INPUT -j ufw6-before-input', '-A OUTPUT -j ufw6-before-output', '-A FORWARD -j ufw6-before-forward',
    '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', 'COMMIT',
  ].join('\n');
  return fixture('corpus/ufw/before6.rules.save')
    .replace('*filter\n', '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n')
    .replace(/^COMMIT$/m, hooks);
}

function ufw6Cases(): Case[] {
  const me = '2001:db8:70::1';
  return [
    ping('a', '2001:db8:1::40', me, 'ICMPv6 echo request accepted'),
    { from: 'a', kind: 'ping', src: '2001:db8:1::41', dst: me, icmpType: 129, extra: 'state INVALID', label: 'echo reply without a request: INVALID, not from fe80::/10' },
    { from: 'a', kind: 'ping', src: '2001:db8:1::41', dst: me, icmpType: 1, extra: 'state INVALID', label: 'destination unreachable about nothing: INVALID, accepted by type' },
    tcp('a', '2001:db8:1::40', me, 22, 'SSH accepted'),
    tcp('a', '2001:db8:1::40', me, 80, 'HTTP dropped by policy'),
    udp('a', '2001:db8:1::40', me, 5353, 'mDNS to a unicast address: policy'),
    udp('a', '2001:db8:1::40', me, 1900, 'SSDP to a unicast address: policy'),
    tcp('a', '2001:db8:1::40', '2001:db8:99::1', 443, 'forwarded: policy DROP'),
    tcp('fw', me, '2001:db8:99::1', 443, 'from local'),
    { from: 'a', kind: 'est-ack', src: '2001:db8:1::42', sport: nextPort(), dst: me, dport: 22, label: 'ESTABLISHED ACK of SSH' },
    { from: 'a', kind: 'est-reply', src: '2001:db8:1::43', sport: 8080, dst: me, dport: nextPort(), label: 'ESTABLISHED reply' },
    { from: 'a', kind: 'related', src: '2001:db8:1::44', sport: 9, dst: me, dport: nextPort(), label: 'RELATED ICMPv6 port unreachable' },
  ];
}

function docker6Cases(): Case[] {
  return [
    tcp('b', 'fd49:efd7:54aa::5', '2001:db8:99::10', 443, 'container out'),
    tcp('b', 'fd49:efd7:54aa::5', 'fd49:efd7:54aa::1', 80, 'inter-container'),
    tcp('a', '2001:db8:1::90', 'fd49:efd7:54aa::1', 80, 'direct from outside'),
    tcp('a', '2001:db8:1::90', 'fd49:efd7:54aa::1', 81, 'unpublished'),
    tcp('a', '2001:db8:1::90', 'fd00:77::1', 8080, 'host port'),
    ping('a', '2001:db8:1::90', 'fd49:efd7:54aa::1', 'ICMPv6 to the container'),
    tcp('fw', 'fd00:78::1', '2001:db8:99::10', 80, 'from local'),
  ];
}

/** `iptables -S` of one table (as moby's iptablesdoc prints it) written as iptables-restore input. */
function restoreFromS(table: string, text: string, extra: string[] = []): string {
  const lines = text.split('\n').filter(Boolean).map((l) => {
    const p = /^-P (\S+) (\S+)$/.exec(l);
    if (p) return `:${p[1]} ${p[2]} [0:0]`;
    const n = /^-N (\S+)$/.exec(l);
    return n ? `:${n[1]} - [0:0]` : l;
  });
  return [`*${table}`, ...lines, ...extra, 'COMMIT', ''].join('\n');
}

/** Docker's own documentation of a published port (usernet-portmap), with two rules a user put in DOCKER-USER. */
function dockerDocDump(): string {
  const doc = (t: string) => fixture(`corpus/moby-docker/iptablesdoc_usernet-portmap.${t}.S`);
  return restoreFromS('raw', doc('raw'))
    + restoreFromS('filter', doc('filter'), ['-A DOCKER-USER -s 198.51.100.66/32 -j DROP', '-A DOCKER-USER -p udp -m udp --dport 53 -j RETURN'])
    + restoreFromS('nat', doc('nat'));
}

function dockerDocCases(): Case[] {
  const host = '169.254.77.1';
  return [
    tcp('a', '198.51.100.10', host, 8080, 'published port: DNAT then FORWARD to the container'),
    tcp('a', '198.51.100.66', host, 8080, 'published port, source blocked in DOCKER-USER'),
    tcp('a', '198.51.100.10', '192.0.2.2', 80, 'straight to the container address: raw DROP'),
    tcp('a', '198.51.100.10', host, 8081, 'unpublished host port'),
    udp('a', '198.51.100.10', host, 8080, 'udp to the published tcp port'),
    ping('a', '198.51.100.10', host, 'ping the host'),
    tcp('b', '192.0.2.5', '203.0.113.10', 443, 'container to the outside: masqueraded'),
    udp('b', '192.0.2.5', '203.0.113.10', 53, 'container DNS: RETURN from DOCKER-USER'),
    tcp('b', '192.0.2.5', '192.0.2.2', 80, 'container to container on the same bridge'),
    tcp('b', '192.0.2.5', host, 8080, 'container to the published port via the host address'),
    ping('b', '192.0.2.5', '203.0.113.10', 'container ping out'),
    tcp('fw', host, host, 8080, 'from the host to its own published port: DNAT at OUTPUT'),
    tcp('fw', host, '192.0.2.2', 80, 'from the host to the container'),
  ];
}

function specs(): RulesetSpec[] {
  const heketi = fixture('seed/heketi-nat.save');
  return [
    { name: 'seed heketi (save)', load: heketi, bPrefixes: ['10.254.0.0/16'], local: ['192.168.50.10'], cases: HEKETI_CASES() },
    { name: 'seed heketi (kernel -nvL listing)', load: heketi, traced: fixture('seed/heketi-nat.full.nvL.txt'), bPrefixes: ['10.254.0.0/16'], local: ['192.168.50.10'], cases: HEKETI_CASES() },
    kubeSpec(),
    kubeSpec(true),
    kubeStatisticSpec(),
    { name: 'hand-written: goto, RETURN, MARK then match, DNAT then FORWARD', load: HAND_RULES, bPrefixes: ['10.50.0.0/16'], local: ['192.168.60.1'], cases: handCases() },
    { name: 'ufw-style host firewall', load: UFW_STYLE, local: ['192.168.70.1'], cases: ufwCases() },
    { name: 'moby golden 1 (Docker bridge, nat gateway)', load: fixture('corpus/moby-docker/iptabler_golden_1_hairpin-false_internal-false_icc-false_masq-true_snat-false_gwm-nat_bindlh-true_iptables.save'), bIf: 'br-dummy', bPrefixes: ['192.168.0.0/24'], cases: dockerCases() },
    { name: 'moby golden 3 (Docker bridge, routed, published port)', load: fixture('corpus/moby-docker/iptabler_golden_3_hairpin-false_internal-false_icc-false_masq-true_snat-false_gwm-routed_bindlh-false_iptables.save'), bIf: 'br-dummy', bPrefixes: ['192.168.0.0/24'], cases: dockerCases() },
    { name: 'moby iptablesdoc usernet-portmap (-S form) with DOCKER-USER rules', load: dockerDocDump(), bIf: 'bridge1', bPrefixes: ['192.0.2.0/24'], cases: dockerDocCases() },
    { name: 'moby golden 2 (Docker bridge, IPv6)', v6: true, load: fixture('corpus/moby-docker/iptabler_golden_2_hairpin-false_internal-false_icc-false_masq-true_snat-false_gwm-nat_bindlh-true_ip6tables.save'), bIf: 'br-dummy', bPrefixes: ['fd49:efd7:54aa::/64'], cases: docker6Cases() },
    { name: 'netfilter tests: fedora27 firewalld (IPv4)', load: fixture('corpus/netfilter-iptables-tests/fedora27-iptables.save'), aIf: 'wlp58s0', local: ['192.168.80.1'], cases: fedoraCases() },
    { name: 'ufw before6.rules (IPv6), hooked as ufw does', v6: true, load: ufw6Dump(), local: ['2001:db8:70::1'], cases: ufw6Cases() },
    { name: 'netfilter tests: fedora27 firewalld (IPv6)', v6: true, load: fixture('corpus/netfilter-iptables-tests/fedora27-ip6tables.save'), aIf: 'wlp58s0', local: ['2001:db8:80::1'], cases: fedora6Cases() },
  ];
}

// ---------------------------------------------------------------- comparison

interface Outcome {
  ruleset: string;
  label: string;
  description: string;
  agree: boolean;
  why?: string;
  /** Index of the branch the kernel's path equals (statistic rulesets). */
  branch?: number;
  branches?: TraceBranch[];
}

const NAT_ACTIONS = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP']);

function ourVerdict(action: string): string {
  if (NAT_ACTIONS.has(action)) return 'ACCEPT';
  if (action === 'REJECT') return 'DROP';
  return action;
}

function kernelVerdict(v: string): string {
  return v === '0xfffffffb' ? 'RETURN' : v;
}

/** Our matched steps as comparable keys. */
function ourPath(b: TraceBranch): string[] {
  return b.steps
    .filter((s) => s.result === 'match' || s.result === 'maybe-match' || s.result === 'policy')
    .map((s) => (s.result === 'policy' ? `${s.table}:${s.chain}:policy:${s.action}` : `${s.table}:${s.chain}#${s.rule}:${ourVerdict(s.action)}`));
}

/** Rule texts per table and chain of `iptables-save` output, for mapping kernel rules to positions. */
function positions(saved: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let table = '';
  for (const line of saved.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    const a = /^-A (\S+) /.exec(line);
    if (!a) continue;
    const key = `${table}:${a[1]}`;
    if (!m.has(key)) m.set(key, []);
    m.get(key)!.push(line.trim());
  }
  return m;
}

/** The kernel's steps as alternatives per step (a rule text may sit at several positions). */
function kernelPath(p: KernelPacket, saved: Map<string, string[]>, tables: Set<string>): string[][] {
  const out: string[][] = [];
  for (const s of p.steps) {
    if (s.kind === 'rule' && (/ -j TRACE$/.test(s.text) || /meta nftrace set 1$/.test(s.text))) continue;
    if (!tables.has(s.table)) continue;
    if (s.kind === 'policy') {
      out.push([`${s.table}:${s.chain}:policy:${s.verdict}`]);
      continue;
    }
    const text = s.text.replace(/^-[46] -t \S+ /, '');
    const list = saved.get(`${s.table}:${s.chain}`) ?? [];
    const at = list.flatMap((t, i) => (t === text ? [i + 1] : []));
    out.push(at.length ? at.map((i) => `${s.table}:${s.chain}#${i}:${kernelVerdict(s.verdict)}`) : [`${s.table}:${s.chain}#?(${text}):${kernelVerdict(s.verdict)}`]);
  }
  return out;
}

function samePath(kernel: string[][], ours: string[]): boolean {
  return kernel.length === ours.length && kernel.every((alts, i) => alts.includes(ours[i]));
}

function showKernel(k: string[][]): string {
  return k.map((a) => a.join('|')).join(' → ');
}

// ---------------------------------------------------------------- running

function sideOf(lab: Lab, from: From) {
  return from === 'a' ? lab.a : lab.b;
}

/** Where the firewall routes a destination: its own address (null), or the interface towards it. */
function routeOf(lab: Lab, spec: RulesetSpec, clientAddrs: Map<string, From>, dst: string): string | null {
  const a = parseAddress(dst)!;
  const mine = [lab.a.fwAddr4, lab.a.fwAddr6, lab.b.fwAddr4, lab.b.fwAddr6, ...(spec.local ?? [])];
  if (mine.includes(dst) || dst.startsWith('127.') || dst === '::1') return null;
  const side = clientAddrs.get(dst);
  if (side === 'b') return lab.b.fwIf;
  if (side === 'a') return lab.a.fwIf;
  if ((spec.bPrefixes ?? []).some((p) => inPrefix(a, parsePrefix(p)!))) return lab.b.fwIf;
  return lab.a.fwIf;
}

function endpoint(addr: string, port?: number): string {
  if (port === undefined) return addr;
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

function describe(lab: Lab, spec: RulesetSpec, clientAddrs: Map<string, From>, c: Case, sport: number | undefined, out: string | null): string {
  const v6 = c.src.includes(':');
  const icmpish = c.kind === 'ping' || c.kind === 'related';
  const proto = icmpish ? (v6 ? 'icmpv6' : 'icmp') : c.kind === 'udp' ? 'udp' : 'tcp';
  const words = [proto, endpoint(c.src, icmpish ? undefined : sport), '->', endpoint(c.dst, icmpish ? undefined : c.dport)];
  if (c.from === 'fw') words.push('from', 'local');
  else words.push('in', sideOf(lab, c.from).fwIf);
  if (out) words.push('out', out);
  const local = [lab.a.fwAddr4, lab.b.fwAddr4, lab.a.fwAddr6, lab.b.fwAddr6, ...(spec.local ?? [])].filter((x) => x.includes(':') === v6);
  words.push('local', local.join(','));
  if (c.kind === 'est-ack') words.push('state', 'ESTABLISHED', 'flags', 'ACK');
  if (c.kind === 'est-reply') words.push('state', 'ESTABLISHED', 'flags', 'SYN,ACK');
  if (c.kind === 'related') words.push('state', 'RELATED', 'type', v6 ? '1/4' : '3/3');
  if (c.icmpType !== undefined) words.push('type', String(c.icmpType));
  if (c.extra) words.push(c.extra);
  return words.join(' ');
}

function traceRuleArgs(c: Case, sport: number | undefined): string[] {
  const v6 = c.src.includes(':');
  const proto = c.kind === 'ping' || c.kind === 'related' ? (v6 ? 'ipv6-icmp' : 'icmp') : c.kind === 'udp' ? 'udp' : 'tcp';
  const chain = c.from === 'fw' ? 'OUTPUT' : 'PREROUTING';
  const args = [chain, '-s', c.src, '-d', c.dst, '-p', proto];
  if (sport !== undefined) args.push('-m', proto, '--sport', String(sport));
  return [...args, '-j', 'TRACE'];
}

function pickPacket(c: Case, packets: KernelPacket[]): KernelPacket | undefined {
  const flags = (p: KernelPacket) => {
    const h = p.headers[0] ?? '';
    const hexFlags = /tcp flags == 0x([0-9a-f]+)/.exec(h);
    if (hexFlags) {
      const bits = parseInt(hexFlags[1], 16);
      return `${bits & 2 ? 'SYN ' : ''}${bits & 16 ? 'ACK' : ''}`;
    }
    const named = /tcp flags == ([\w |]+?)(?= tcp|$)/.exec(h);
    return named ? named[1] : h.replace(/^.*?(?= SYN| ACK)/, '');
  };
  if (c.kind === 'est-ack') return packets.find((p) => /\back\b/i.test(flags(p)) && !/\bsyn\b/i.test(flags(p)));
  if (c.kind === 'est-reply') return packets.find((p) => /\bsyn\b/i.test(flags(p)) && /\back\b/i.test(flags(p)));
  return packets[0];
}

async function runSpec(spec: RulesetSpec, k: number): Promise<Outcome[]> {
  const prefix = `trc${process.pid % 100000}${k}`;
  const lab = createLab({ prefix, aIf: spec.aIf, bIf: spec.bIf, bPrefixes: spec.bPrefixes, local: spec.local });
  const agents: Partial<Record<From, Agent>> = {};
  let monitor: Monitor | undefined;
  const outcomes: Outcome[] = [];
  const tool = spec.v6 ? 'ip6tables' : 'iptables';
  try {
    const clientAddrs = new Map<string, From>();
    for (const c of spec.cases) {
      if (c.from !== 'fw' && !clientAddrs.has(c.src)) {
        clientAddrs.set(c.src, c.from);
        addClientAddress(lab, sideOf(lab, c.from), c.src);
      }
    }
    const saved = loadDump(lab, spec.load, !!spec.v6);
    const analysis0 = Analysis.of(spec.traced ?? spec.load);
    let savedPositions = positions(saved);
    if (spec.v6) {
      // IPv6: the kernel's trace is read with nft (see parseNftMonitor), and rules are found in nft's own listing.
      savedPositions = new Map();
      for (const t of new Set(analysis0.ruleset.tables.map((x) => x.name))) {
        nftPositions(inNs(lab.fw, ['nft', 'list', 'table', 'ip6', t]), t, savedPositions);
      }
    }
    const analysis = analysis0;
    const tables = new Set(analysis.ruleset.tables.map((t) => t.name));
    assert.ok(tables.size > 0, `${spec.name}: nothing parsed`);
    agents.a = new Agent(lab.a.ns);
    agents.b = new Agent(lab.b.ns);
    agents.fw = new Agent(lab.fw);
    monitor = new Monitor(lab.fw, spec.v6 ? 'nft' : 'xtables');
    // A sentinel packet after each case: once its trace shows, the case's trace is complete.
    inNs(lab.fw, ['iptables', '-t', 'raw', '-I', 'OUTPUT', '1', '-s', '127.0.0.1', '-d', '127.0.0.1', '-p', 'udp', '-m', 'udp', '--dport', '9', '-j', 'TRACE']);
    let sentinel = 40000;
    await new Promise((r) => setTimeout(r, 400));
    for (const c of spec.cases) {
      for (let n = 0; n < (c.repeat ?? 1); n++) {
        const sport = c.kind === 'ping' || c.kind === 'related' ? undefined : c.repeat ? nextPort() : c.sport;
        const ruleArgs = traceRuleArgs(c, sport);
        inNs(lab.fw, [tool, '-t', 'raw', '-I', ruleArgs[0], '1', ...ruleArgs.slice(1)]);
        // A locally generated packet to a local address comes back in through lo; the kernel starts a new trace there only if asked.
        const loopsBack = c.from === 'fw' && routeOf(lab, spec, clientAddrs, c.dst) === null;
        const loArgs = ['PREROUTING', '-i', 'lo', ...ruleArgs.slice(1)];
        if (loopsBack) inNs(lab.fw, [tool, '-t', 'raw', '-I', 'PREROUTING', '1', ...loArgs.slice(1)]);
        monitor.skip();
        const from = c.from;
        const proto = c.kind;
        if (proto === 'syn') await agents[from]!.ask({ op: 'syn', src: c.src, sport, dst: c.dst, dport: c.dport });
        else if (proto === 'udp') await agents[from]!.ask({ op: 'udp', src: c.src, sport, dst: c.dst, dport: c.dport });
        else if (proto === 'ping') await agents[from]!.ask({ op: 'ping', src: c.src, dst: c.dst, ...(c.icmpType !== undefined ? { type: c.icmpType } : {}) });
        else if (proto === 'est-ack') {
          await agents.fw!.ask({ op: 'listen', addr: c.dst, port: c.dport });
          await agents[from]!.ask({ op: 'connect', src: c.src, sport, dst: c.dst, dport: c.dport, timeout: 1.0 });
        } else if (proto === 'related') {
          // The firewall sends UDP to a closed port of the client; the client's port-unreachable comes back RELATED.
          await agents.fw!.ask({ op: 'udp', src: c.dst, sport: c.dport, dst: c.src, dport: c.sport });
          await new Promise((r) => setTimeout(r, 50));
        } else if (proto === 'est-reply') {
          await agents[from]!.ask({ op: 'listen', addr: c.src, port: c.sport });
          await agents.fw!.ask({ op: 'connect', src: c.dst, sport: c.dport, dst: c.src, dport: c.sport, timeout: 1.0 });
        }
        // Packets of a handshake may still sit in another CPU's backlog: give them a moment before the sentinel.
        if (proto !== 'syn' && proto !== 'udp' && proto !== 'ping') await new Promise((r) => setTimeout(r, 100));
        const mark = ++sentinel;
        await agents.fw!.ask({ op: 'udp', src: '127.0.0.1', sport: mark, dst: '127.0.0.1', dport: 9 });
        const marker = spec.v6 ? `udp sport ${mark} udp dport 9` : `SPORT=${mark} DPORT=9 `;
        // Read until the sentinel shows, and a little after it for stragglers; the sentinel's own packet is dropped below.
        const text = (await monitor.until((t) => t.includes(marker))) + (await monitor.settle(40, 80));
        inNs(lab.fw, [tool, '-t', 'raw', '-D', ruleArgs[0], ...ruleArgs.slice(1)]);
        if (loopsBack) inNs(lab.fw, [tool, '-t', 'raw', '-D', 'PREROUTING', ...loArgs.slice(1)]);
        for (const a of Object.values(agents)) await a!.ask({ op: 'close' });
        const packets = (spec.v6 ? parseNftMonitor(text) : parseMonitor(text))
          .filter((p) => !p.headers.some((h) => h.includes(marker) || h.includes(marker.trim())));
        const kp = loopsBack && packets.length > 1
          ? { ...packets[0], steps: packets.flatMap((p) => p.steps) }
          : pickPacket(c, packets);
        let out = c.from === 'fw' || routeOf(lab, spec, clientAddrs, c.dst) ? routeOf(lab, spec, clientAddrs, c.dst) : null;
        let description = describe(lab, spec, clientAddrs, c, sport, out);
        let result = trace(analysis, description);
        // A DNAT can send the packet elsewhere: describe the interface it really leaves by.
        const finalDst = result.result?.branches[0]?.final.dst;
        if (typeof finalDst === 'string' && finalDst !== c.dst) {
          const rerouted = routeOf(lab, spec, clientAddrs, finalDst);
          if (rerouted !== out) {
            out = rerouted;
            description = describe(lab, spec, clientAddrs, c, sport, out);
            result = trace(analysis, description);
          }
        }
        const o: Outcome = { ruleset: spec.name, label: c.label ?? `${c.kind} ${c.src} -> ${c.dst}:${c.dport ?? ''}`, description, agree: false };
        outcomes.push(o);
        if (result.error) { o.why = `bad description: ${result.error.message}`; continue; }
        if (!kp) {
          o.why = `the kernel traced no packet of this kind (${packets.length} packets: ${packets.map((p) => p.headers[0]?.slice(-60)).join(' / ')})`;
          continue;
        }
        const kpath = kernelPath(kp, savedPositions, tables);
        const branches = result.result!.branches;
        o.branches = branches;
        const idx = branches.findIndex((b) => samePath(kpath, ourPath(b)));
        if (idx < 0) {
          o.why = `kernel: ${showKernel(kpath)}\n      ours:   ${branches.map((b) => ourPath(b).join(' → ')).join('\n      or:     ')}`;
          continue;
        }
        if (!spec.statistic && branches.length !== 1) {
          o.why = `the kernel's path is one of our ${branches.length} branches, but this ruleset is deterministic`;
          continue;
        }
        o.agree = true;
        o.branch = idx;
      }
    }
  } finally {
    monitor?.stop();
    for (const a of Object.values(agents)) a?.stop();
    destroyLab(lab);
  }
  return outcomes;
}

test('our trace equals the kernel\'s own trace (xtables-monitor --trace)', { timeout: 600_000 }, async (t) => {
  const why = netnsUnavailable();
  if (why) {
    t.skip(`kernel trace comparison skipped: ${why}`);
    return;
  }
  const all: Outcome[] = [];
  // TRACE_ONLY=text runs only the rulesets whose name contains it (for debugging one ruleset).
  const only = process.env.TRACE_ONLY;
  const list = specs().filter((s) => !only || s.name.includes(only));
  for (const [k, spec] of list.entries()) {
    const outcomes = await runSpec(spec, k);
    all.push(...outcomes);
    const agreed = outcomes.filter((o) => o.agree).length;
    t.diagnostic(`${spec.name}: ${agreed}/${outcomes.length}`);
    if (spec.statistic) {
      // Each branch's share of the sends must be within 4 standard deviations of its probability.
      const n = outcomes.length;
      const branches = outcomes.find((o) => o.branches)?.branches ?? [];
      branches.forEach((b, i) => {
        const seen = outcomes.filter((o) => o.branch === i).length;
        const p = b.probability;
        const sd = Math.sqrt((p * (1 - p)) / n);
        const msg = `${spec.name}: branch ${i + 1} (p = ${p.toFixed(4)}) seen ${seen}/${n} = ${(seen / n).toFixed(3)}`;
        t.diagnostic(msg);
        assert.ok(Math.abs(seen / n - p) <= 4 * sd + 1e-9, `${msg}: outside 4 standard deviations (${(4 * sd).toFixed(3)})`);
      });
    }
  }
  const agreed = all.filter((o) => o.agree);
  const rulesets = new Set(all.map((o) => o.ruleset)).size;
  console.log(`\ntrace agreement with the kernel: ${agreed.length}/${all.length} cases over ${rulesets} rulesets`);
  for (const o of all.filter((x) => !x.agree)) {
    console.log(`  DISAGREE [${o.ruleset}] ${o.label}\n    packet: ${o.description}\n      ${o.why}`);
  }
  if (!only) assert.ok(all.length >= 200, `only ${all.length} cases`);
  assert.equal(agreed.length, all.length, `${all.length - agreed.length} cases disagree with the kernel`);
});
