/**
 * Name tables the listing parser needs to turn what `iptables -L` prints into
 * the values `iptables-save` prints: protocol numbers (1.8.9 and 1.8.10 print
 * them with `-n`) back to the names of /etc/protocols, well-known service
 * names (listings without `-n`) to port numbers, ICMP type names to numbers,
 * and TCP flag bits to their names.
 */
import { keyed } from './keyed';

/** Protocol numbers to the names iptables-save prints (Debian's /etc/protocols). */
export const PROTOCOL_NAMES: Record<string, string> = keyed({
  '1': 'icmp', '2': 'igmp', '3': 'ggp', '4': 'ipencap', '5': 'st', '6': 'tcp', '8': 'egp', '9': 'igp',
  '12': 'pup', '17': 'udp', '20': 'hmp', '22': 'xns-idp', '27': 'rdp', '29': 'iso-tp4', '33': 'dccp',
  '36': 'xtp', '37': 'ddp', '38': 'idpr-cmtp', '41': 'ipv6', '43': 'ipv6-route', '44': 'ipv6-frag',
  '45': 'idrp', '46': 'rsvp', '47': 'gre', '50': 'esp', '51': 'ah', '57': 'skip', '58': 'ipv6-icmp',
  '59': 'ipv6-nonxt', '60': 'ipv6-opts', '73': 'rspf', '81': 'vmtp', '88': 'eigrp', '89': 'ospf',
  '93': 'ax.25', '94': 'ipip', '97': 'etherip', '98': 'encap', '103': 'pim', '108': 'ipcomp',
  '112': 'vrrp', '115': 'l2tp', '124': 'isis', '132': 'sctp', '133': 'fc', '135': 'mobility-header',
  '136': 'udplite', '137': 'mpls-in-ip', '138': 'manet', '139': 'hip', '140': 'shim6', '141': 'wesp',
  '142': 'rohc', '143': 'ethernet',
});

/** Protocol spellings that iptables-save rewrites to another name. */
export const PROTOCOL_ALIASES: Record<string, string> = keyed({
  icmpv6: 'ipv6-icmp', icmp6: 'ipv6-icmp', mh: 'mobility-header', ipv6_icmp: 'ipv6-icmp',
});

/** Common /etc/services names iptables prints without `-n`, to their numbers. */
export const SERVICE_PORTS: Record<string, string> = keyed({
  tcpmux: '1', echo: '7', discard: '9', systat: '11', daytime: '13', netstat: '15', qotd: '17',
  chargen: '19', 'ftp-data': '20', ftp: '21', ssh: '22', telnet: '23', smtp: '25', time: '37',
  whois: '43', tacacs: '49', domain: '53', bootps: '67', bootpc: '68', tftp: '69', gopher: '70',
  finger: '79', http: '80', kerberos: '88', 'iso-tsap': '102', 'acr-nema': '104', poppassd: '106',
  pop3: '110', sunrpc: '111', auth: '113', nntp: '119', ntp: '123', epmap: '135', 'netbios-ns': '137',
  'netbios-dgm': '138', 'netbios-ssn': '139', imap2: '143', snmp: '161', 'snmp-trap': '162', bgp: '179',
  irc: '194', ldap: '389', https: '443', 'microsoft-ds': '445', kpasswd: '464', submissions: '465',
  syslog: '514', submission: '587', ldaps: '636', 'dhcpv6-client': '546', 'dhcpv6-server': '547',
  rsync: '873', imaps: '993', pop3s: '995', socks: '1080', openvpn: '1194', 'ms-sql-s': '1433',
  l2f: '1701', pptp: '1723', radius: '1812', 'radius-acct': '1813', nfs: '2049', 'cisco-sccp': '2000',
  mysql: '3306', 'ms-wbt-server': '3389', sip: '5060', 'sip-tls': '5061', postgresql: '5432',
  x11: '6000', 'http-alt': '8080', webcache: '8080',
});

/** ICMP type names (libxt_icmp) to the `type[/code]` iptables-save prints. */
export const ICMP_TYPES: Record<string, string> = keyed({
  any: 'any', 'echo-reply': '0', pong: '0', 'destination-unreachable': '3', 'network-unreachable': '3/0',
  'host-unreachable': '3/1', 'protocol-unreachable': '3/2', 'port-unreachable': '3/3',
  'fragmentation-needed': '3/4', 'source-route-failed': '3/5', 'network-unknown': '3/6',
  'host-unknown': '3/7', 'network-prohibited': '3/9', 'host-prohibited': '3/10',
  'TOS-network-unreachable': '3/11', 'TOS-host-unreachable': '3/12', 'communication-prohibited': '3/13',
  'host-precedence-violation': '3/14', 'precedence-cutoff': '3/15', 'source-quench': '4',
  redirect: '5', 'network-redirect': '5/0', 'host-redirect': '5/1', 'TOS-network-redirect': '5/2',
  'TOS-host-redirect': '5/3', 'echo-request': '8', ping: '8', 'router-advertisement': '9',
  'router-solicitation': '10', 'time-exceeded': '11', 'ttl-exceeded': '11', 'ttl-zero-during-transit': '11/0',
  'ttl-zero-during-reassembly': '11/1', 'parameter-problem': '12', 'ip-header-bad': '12/0',
  'required-option-missing': '12/1', 'timestamp-request': '13', 'timestamp-reply': '14',
  'address-mask-request': '17', 'address-mask-reply': '18',
});

/** ICMPv6 type names (libip6t_icmp6) to the `type[/code]` ip6tables-save prints. */
export const ICMP6_TYPES: Record<string, string> = keyed({
  'destination-unreachable': '1', 'no-route': '1/0', 'communication-prohibited': '1/1',
  'beyond-scope': '1/2', 'address-unreachable': '1/3', 'port-unreachable': '1/4', 'failed-policy': '1/5',
  'reject-route': '1/6', 'packet-too-big': '2', 'time-exceeded': '3', 'ttl-exceeded': '3',
  'ttl-zero-during-transit': '3/0', 'ttl-zero-during-reassembly': '3/1', 'parameter-problem': '4',
  'bad-header': '4/0', 'unknown-header-type': '4/1', 'unknown-option': '4/2', 'echo-request': '128',
  ping: '128', 'echo-reply': '129', pong: '129', 'router-solicitation': '133', 'router-advertisement': '134',
  'neighbour-solicitation': '135', 'neighbor-solicitation': '135', 'neighbour-advertisement': '136',
  'neighbor-advertisement': '136', redirect: '137',
});

/** TCP flag bits in the order iptables-save lists them. */
export const TCP_FLAGS: readonly [string, number][] = [
  ['FIN', 0x01], ['SYN', 0x02], ['RST', 0x04], ['PSH', 0x08], ['ACK', 0x10], ['URG', 0x20],
];

/** `0x17` → `FIN,SYN,RST,ACK`; 0 → `NONE`; all six → `FIN,SYN,RST,PSH,ACK,URG`, as iptables-save prints. */
export function tcpFlagNames(bits: number): string {
  const names = TCP_FLAGS.filter(([, b]) => (bits & b) !== 0).map(([n]) => n);
  return names.length ? names.join(',') : 'NONE';
}

/** A port or a `a:b` range with service names replaced by numbers where known. */
export function numericPorts(value: string): string {
  if (/^[\d:,]*$/.test(value)) return value;
  return value.replace(/[A-Za-z][\w.+-]*/g, (name) => SERVICE_PORTS[name] ?? name);
}
