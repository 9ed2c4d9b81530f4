/**
 * Closed value sets and what each value means: conntrack states, address
 * types, TCP flags, REJECT replies, log levels, ICMP types. Options in the
 * match and target tables point here, so hover and completion explain a value
 * the same way everywhere.
 */
import { keyed } from '../model/keyed';

/** Connection tracking states (`--ctstate`, `--state`). */
export const CT_STATES: Record<string, string> = keyed({
  NEW: 'the first packet of a connection the tracker has not seen before',
  ESTABLISHED: 'a packet of a connection that has already seen traffic in both directions',
  RELATED: 'a packet that starts a new connection tied to an existing one (an FTP data channel, an ICMP error about a known flow)',
  INVALID: 'a packet the connection tracker could not place (malformed, or out of any known flow)',
  UNTRACKED: 'a packet exempted from tracking (by `-j CT --notrack` or `-j NOTRACK` in the raw table)',
  SNAT: 'a packet of a connection whose source address was rewritten (its reply destination differs from the original source)',
  DNAT: 'a packet of a connection whose destination address was rewritten (its reply source differs from the original destination)',
});

/** The subset of states the older `state` match knows. */
export const STATES: Record<string, string> = keyed({
  NEW: CT_STATES.NEW, ESTABLISHED: CT_STATES.ESTABLISHED, RELATED: CT_STATES.RELATED,
  INVALID: CT_STATES.INVALID, UNTRACKED: CT_STATES.UNTRACKED,
});

/** Connection tracking status bits (`--ctstatus`). */
export const CT_STATUS: Record<string, string> = keyed({
  NONE: 'none of the status bits below is set',
  EXPECTED: 'the connection was expected by a helper (for example an FTP data channel)',
  SEEN_REPLY: 'traffic has been seen in the reply direction',
  ASSURED: 'the connection is assured: it will not be dropped early when the table is full',
  CONFIRMED: 'the connection has been confirmed: its first packet left the box',
});

export const CT_DIRS: Record<string, string> = keyed({
  ORIGINAL: 'packets going the way the connection was opened',
  REPLY: 'packets going back towards the side that opened the connection',
});

/** Routing address types (`-m addrtype --src-type/--dst-type`). */
export const ADDRESS_TYPES: Record<string, string> = keyed({
  UNSPEC: 'an unspecified address (0.0.0.0 or ::)',
  UNICAST: 'an ordinary unicast address',
  LOCAL: 'an address that belongs to this host',
  BROADCAST: 'a broadcast address',
  ANYCAST: 'an anycast address',
  MULTICAST: 'a multicast address',
  BLACKHOLE: 'an address routed to a blackhole route',
  UNREACHABLE: 'an address with an unreachable route',
  PROHIBIT: 'an address with a prohibit route',
  THROW: 'an address with a throw route',
  NAT: 'an address of a routing NAT entry',
  XRESOLVE: 'an address resolved by an external resolver',
});

/** TCP flag names (`--tcp-flags MASK COMP`). */
export const TCP_FLAGS: Record<string, string> = keyed({
  SYN: 'synchronise: opens a connection',
  ACK: 'acknowledge: set on every packet after the first',
  FIN: 'finish: the sender has no more data',
  RST: 'reset: abort the connection',
  URG: 'urgent pointer is valid',
  PSH: 'push: deliver buffered data now',
  ALL: 'all six flags (FIN,SYN,RST,PSH,ACK,URG)',
  NONE: 'no flag',
});

/** REJECT replies for IPv4; aliases map to the same replies. */
export const REJECT_V4: Record<string, string> = keyed({
  'icmp-port-unreachable': 'answers with ICMP port unreachable (the default)',
  'icmp-net-unreachable': 'answers with ICMP network unreachable',
  'icmp-host-unreachable': 'answers with ICMP host unreachable',
  'icmp-proto-unreachable': 'answers with ICMP protocol unreachable',
  'icmp-net-prohibited': 'answers with ICMP network administratively prohibited',
  'icmp-host-prohibited': 'answers with ICMP host administratively prohibited',
  'icmp-admin-prohibited': 'answers with ICMP communication administratively prohibited',
  'tcp-reset': 'answers a TCP packet with a TCP reset (needs -p tcp)',
  'port-unreach': 'alias of icmp-port-unreachable',
  'net-unreach': 'alias of icmp-net-unreachable',
  'host-unreach': 'alias of icmp-host-unreachable',
  'proto-unreach': 'alias of icmp-proto-unreachable',
  'net-prohib': 'alias of icmp-net-prohibited',
  'host-prohib': 'alias of icmp-host-prohibited',
  'admin-prohib': 'alias of icmp-admin-prohibited',
  'tcp-rst': 'alias of tcp-reset',
});

/** REJECT replies for IPv6. */
export const REJECT_V6: Record<string, string> = keyed({
  'icmp6-port-unreachable': 'answers with ICMPv6 port unreachable (the default)',
  'icmp6-no-route': 'answers with ICMPv6 no route to destination',
  'icmp6-adm-prohibited': 'answers with ICMPv6 communication administratively prohibited',
  'icmp6-addr-unreachable': 'answers with ICMPv6 address unreachable',
  'icmp6-policy-fail': 'answers with ICMPv6 failed ingress/egress policy',
  'icmp6-reject-route': 'answers with ICMPv6 reject route to destination',
  'tcp-reset': 'answers a TCP packet with a TCP reset (needs -p tcp)',
  'port-unreach': 'alias of icmp6-port-unreachable',
  'no-route': 'alias of icmp6-no-route',
  'adm-prohibited': 'alias of icmp6-adm-prohibited',
  'addr-unreach': 'alias of icmp6-addr-unreachable',
  'policy-fail': 'alias of icmp6-policy-fail',
  'reject-route': 'alias of icmp6-reject-route',
});

/** Syslog levels for `-j LOG --log-level`, by name and number. */
export const LOG_LEVELS: Record<string, string> = keyed({
  '0': 'emerg', '1': 'alert', '2': 'crit', '3': 'error', '4': 'warning (the default)', '5': 'notice', '6': 'info', '7': 'debug',
  emerg: 'level 0', panic: 'level 0 (old name of emerg)', alert: 'level 1', crit: 'level 2', error: 'level 3',
  warning: 'level 4 (the default)', notice: 'level 5', info: 'level 6', debug: 'level 7',
});

/** Link-layer packet types (`-m pkttype --pkt-type`). */
export const PACKET_TYPES: Record<string, string> = keyed({
  unicast: 'addressed to this host\'s link-layer address',
  broadcast: 'sent to the link-layer broadcast address',
  multicast: 'sent to a link-layer multicast address',
});

/** ICMP type names and their `type[/code]` numbers. */
export const ICMP_TYPES: Record<string, string> = keyed({
  any: 'any', 'echo-reply': '0', 'destination-unreachable': '3', 'network-unreachable': '3/0', 'host-unreachable': '3/1',
  'protocol-unreachable': '3/2', 'port-unreachable': '3/3', 'fragmentation-needed': '3/4', 'source-route-failed': '3/5',
  'network-unknown': '3/6', 'host-unknown': '3/7', 'network-prohibited': '3/9', 'host-prohibited': '3/10',
  'TOS-network-unreachable': '3/11', 'TOS-host-unreachable': '3/12', 'communication-prohibited': '3/13',
  'host-precedence-violation': '3/14', 'precedence-cutoff': '3/15', 'source-quench': '4', redirect: '5',
  'network-redirect': '5/0', 'host-redirect': '5/1', 'TOS-network-redirect': '5/2', 'TOS-host-redirect': '5/3',
  'echo-request': '8', 'router-advertisement': '9', 'router-solicitation': '10', 'time-exceeded': '11',
  'ttl-zero-during-transit': '11/0', 'ttl-zero-during-reassembly': '11/1', 'parameter-problem': '12',
  'ip-header-bad': '12/0', 'required-option-missing': '12/1', 'timestamp-request': '13', 'timestamp-reply': '14',
  'address-mask-request': '17', 'address-mask-reply': '18',
});

/** ICMPv6 type names and their `type[/code]` numbers. */
export const ICMP6_TYPES: Record<string, string> = keyed({
  'destination-unreachable': '1', 'no-route': '1/0', 'communication-prohibited': '1/1', 'beyond-scope': '1/2',
  'address-unreachable': '1/3', 'port-unreachable': '1/4', 'failed-policy': '1/5', 'reject-route': '1/6',
  'packet-too-big': '2', 'time-exceeded': '3', 'ttl-zero-during-transit': '3/0', 'ttl-zero-during-reassembly': '3/1',
  'parameter-problem': '4', 'bad-header': '4/0', 'unknown-header-type': '4/1', 'unknown-option': '4/2',
  'echo-request': '128', 'echo-reply': '129', 'mld-listener-query': '130', 'mld-listener-report': '131',
  'mld-listener-done': '132', 'router-solicitation': '133', 'router-advertisement': '134',
  'neighbour-solicitation': '135', 'neighbour-advertisement': '136', redirect: '137',
});

/** The name of an ICMP type written as numbers (`3/4` → fragmentation-needed), if it has one. */
export function icmpName(value: string, v6 = false): string | undefined {
  const table = v6 ? ICMP6_TYPES : ICMP_TYPES;
  for (const [name, code] of Object.entries(table)) if (code === value) return name;
  return undefined;
}

export const WEEKDAYS: Record<string, string> = keyed({
  Mon: 'Monday', Tue: 'Tuesday', Wed: 'Wednesday', Thu: 'Thursday', Fri: 'Friday', Sat: 'Saturday', Sun: 'Sunday',
});

/** Turns a name → meaning record into `valueDocs` entries for options. */
export function docsOf(record: Record<string, string>): { values: string[]; valueDocs: Record<string, string> } {
  return { values: Object.keys(record), valueDocs: record };
}
