/**
 * The numbers behind the names iptables accepts: protocols, ICMP types,
 * well-known ports, TCP flags, TOS and DSCP names. The trace compares numbers.
 */
import { keyed } from '../model/keyed';

/** Protocol names as iptables and /etc/protocols spell them. */
export const PROTOCOLS: Record<string, number> = keyed({
  all: 0, icmp: 1, igmp: 2, ipip: 4, tcp: 6, egp: 8, udp: 17, ipv6: 41, gre: 47, esp: 50, ah: 51,
  icmpv6: 58, 'ipv6-icmp': 58, icmp6: 58, ospf: 89, pim: 103, vrrp: 112, l2tp: 115, sctp: 132, dccp: 33,
  udplite: 136, mh: 135, 'ipv6-mh': 135,
});

/** The number of a protocol given by name or number; undefined when unknown. */
export function protocolNumber(text: string): number | undefined {
  const t = text.toLowerCase();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return n <= 255 ? n : undefined;
  }
  return PROTOCOLS[t];
}

/** The name iptables prints for a protocol number, or the number itself. */
export function protocolName(n: number): string {
  switch (n) {
    case 1: return 'icmp';
    case 6: return 'tcp';
    case 17: return 'udp';
    case 58: return 'icmpv6';
    case 132: return 'sctp';
    case 33: return 'dccp';
    case 136: return 'udplite';
    case 47: return 'gre';
    case 50: return 'esp';
    case 51: return 'ah';
    default: return String(n);
  }
}

/** An ICMP type with a code range: `type` with codes `codeMin..codeMax`. */
export interface IcmpType {
  type: number;
  codeMin: number;
  codeMax: number;
}

const any = (type: number): IcmpType => ({ type, codeMin: 0, codeMax: 255 });
const one = (type: number, code: number): IcmpType => ({ type, codeMin: code, codeMax: code });

/** ICMP (IPv4) type names, as `iptables -p icmp -h` lists them. */
export const ICMP4_TYPES: Record<string, IcmpType> = keyed({
  'echo-reply': any(0), pong: any(0),
  'destination-unreachable': any(3),
  'network-unreachable': one(3, 0), 'host-unreachable': one(3, 1), 'protocol-unreachable': one(3, 2),
  'port-unreachable': one(3, 3), 'fragmentation-needed': one(3, 4), 'source-route-failed': one(3, 5),
  'network-unknown': one(3, 6), 'host-unknown': one(3, 7), 'network-prohibited': one(3, 9),
  'host-prohibited': one(3, 10), 'TOS-network-unreachable': one(3, 11), 'TOS-host-unreachable': one(3, 12),
  'communication-prohibited': one(3, 13), 'host-precedence-violation': one(3, 14), 'precedence-cutoff': one(3, 15),
  'source-quench': any(4),
  redirect: any(5), 'network-redirect': one(5, 0), 'host-redirect': one(5, 1),
  'TOS-network-redirect': one(5, 2), 'TOS-host-redirect': one(5, 3),
  'echo-request': any(8), ping: any(8),
  'router-advertisement': any(9), 'router-solicitation': any(10),
  'time-exceeded': any(11), 'ttl-exceeded': any(11), 'ttl-zero-during-transit': one(11, 0), 'ttl-zero-during-reassembly': one(11, 1),
  'parameter-problem': any(12), 'ip-header-bad': one(12, 0), 'required-option-missing': one(12, 1),
  'timestamp-request': any(13), 'timestamp-reply': any(14),
  'address-mask-request': any(17), 'address-mask-reply': any(18),
});

/** ICMPv6 type names, as `ip6tables -p icmpv6 -h` lists them. */
export const ICMP6_TYPES: Record<string, IcmpType> = keyed({
  'destination-unreachable': any(1), 'no-route': one(1, 0), 'communication-prohibited': one(1, 1),
  'beyond-scope': one(1, 2), 'address-unreachable': one(1, 3), 'port-unreachable': one(1, 4),
  'failed-policy': one(1, 5), 'reject-route': one(1, 6),
  'packet-too-big': any(2),
  'time-exceeded': any(3), 'ttl-exceeded': any(3), 'ttl-zero-during-transit': one(3, 0), 'ttl-zero-during-reassembly': one(3, 1),
  'parameter-problem': any(4), 'bad-header': one(4, 0), 'unknown-header-type': one(4, 1), 'unknown-option': one(4, 2),
  'echo-request': any(128), ping: any(128), 'echo-reply': any(129), pong: any(129),
  'mld-listener-query': any(130), 'mld-listener-report': any(131), 'mld-listener-done': any(132), 'mld-listener-reduction': any(132),
  'router-solicitation': any(133), 'router-advertisement': any(134),
  'neighbour-solicitation': any(135), 'neighbor-solicitation': any(135),
  'neighbour-advertisement': any(136), 'neighbor-advertisement': any(136),
  redirect: any(137),
});

/**
 * Reads an ICMP type as `--icmp-type` takes it: a name, `TYPE` or
 * `TYPE/CODE`. `any` is every type (type -1).
 */
export function parseIcmpType(text: string, v6: boolean): IcmpType | undefined {
  if (text === 'any') return { type: -1, codeMin: 0, codeMax: 255 };
  const named = (v6 ? ICMP6_TYPES : ICMP4_TYPES)[text] ?? (v6 ? ICMP6_TYPES : ICMP4_TYPES)[text.toLowerCase()];
  if (named) return named;
  const m = /^(\d{1,3})(?:\/(\d{1,3}))?$/.exec(text);
  if (!m || Number(m[1]) > 255 || (m[2] !== undefined && Number(m[2]) > 255)) return undefined;
  return m[2] === undefined ? any(Number(m[1])) : one(Number(m[1]), Number(m[2]));
}

/** Well-known service names iptables resolves through /etc/services. */
export const SERVICES: Record<string, number> = keyed({
  ftp: 21, 'ftp-data': 20, ssh: 22, telnet: 23, smtp: 25, domain: 53, dns: 53, bootps: 67, bootpc: 68, tftp: 69,
  http: 80, www: 80, kerberos: 88, pop3: 110, sunrpc: 111, auth: 113, ntp: 123, 'netbios-ns': 137,
  'netbios-dgm': 138, 'netbios-ssn': 139, imap: 143, imap2: 143, snmp: 161, 'snmp-trap': 162, ldap: 389,
  https: 443, 'microsoft-ds': 445, isakmp: 500, syslog: 514, submission: 587, ldaps: 636, rsync: 873,
  imaps: 993, pop3s: 995, openvpn: 1194, 'ms-sql-s': 1433, mysql: 3306, 'ipsec-nat-t': 4500,
  postgresql: 5432, 'x11': 6000, 'http-alt': 8080, 'webcache': 8080, smtps: 465, 'nfs': 2049, 'sip': 5060,
});

/** A port number or service name; undefined when unknown. */
export function portNumber(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= 65535 ? n : undefined;
  }
  return SERVICES[text.toLowerCase()];
}

/** TCP flag bits. */
export const TCP_FLAG_BITS: Record<string, number> = keyed({
  FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80,
  ALL: 0x3f, NONE: 0,
});

/** Reads a comma list of flag names into bits; undefined on an unknown name. */
export function parseTcpFlags(text: string): number | undefined {
  let bits = 0;
  for (const f of text.split(',')) {
    const b = TCP_FLAG_BITS[f.toUpperCase()];
    if (b === undefined) return undefined;
    bits |= b;
  }
  return bits;
}

/** The flag names of a bit set, in iptables' order. */
export function formatTcpFlags(bits: number): string {
  const names = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'].filter((n) => bits & TCP_FLAG_BITS[n]);
  return names.length ? names.join(',') : 'NONE';
}

/** TOS names of the `tos` match and TOS target. */
export const TOS_NAMES: Record<string, number> = keyed({
  'minimize-delay': 0x10, 'maximize-throughput': 0x08, 'maximize-reliability': 0x04,
  'minimize-cost': 0x02, 'normal-service': 0x00,
});

/** DSCP class names of `--dscp-class`. */
export const DSCP_CLASSES: Record<string, number> = keyed({
  CS0: 0, CS1: 8, CS2: 16, CS3: 24, CS4: 32, CS5: 40, CS6: 48, CS7: 56, BE: 0, EF: 46,
  AF11: 10, AF12: 12, AF13: 14, AF21: 18, AF22: 20, AF23: 22, AF31: 26, AF32: 28, AF33: 30,
  AF41: 34, AF42: 36, AF43: 38,
});

/** Reads a number the way iptables does (decimal, 0x hex, 0 octal); undefined when not one. */
export function parseNumber(text: string): number | undefined {
  let n: number;
  if (/^0x[0-9a-f]+$/i.test(text)) n = parseInt(text.slice(2), 16);
  else if (/^0[0-7]+$/.test(text)) n = parseInt(text, 8);
  else if (/^\d+$/.test(text)) n = Number(text);
  else return undefined;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Reads `VALUE[/MASK]` (marks, TOS); the mask defaults to all ones of `width` bits. */
export function parseValueMask(text: string, width = 32): { value: number; mask: number } | undefined {
  const [v, m] = text.split('/');
  const value = parseNumber(v);
  const mask = m === undefined ? (width === 32 ? 0xffffffff : (1 << width) - 1) : parseNumber(m);
  if (value === undefined || mask === undefined) return undefined;
  return { value: value >>> 0, mask: mask >>> 0 };
}

export function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}
