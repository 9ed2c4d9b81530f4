/**
 * Match extensions: what each tests, its options with their value syntax, and
 * where the kernel accepts it. Generic rule options (-s, -d, -i, -o, -p, -f)
 * appear as matches named the way the model names them. Adding a match means
 * adding one entry here.
 */
import { flag, match, NEG, one, two } from './define';
import type { MatchInfo } from './types';
import {
  ADDRESS_TYPES, CT_DIRS, CT_STATES, CT_STATUS, docsOf, ICMP6_TYPES, ICMP_TYPES, PACKET_TYPES, STATES, TCP_FLAGS, WEEKDAYS,
} from './values';

const PORT = 'port[:port]';
const PORT_LIST = 'port[,port|,port:port]…';

/** Generic options written without -m. */
const GENERIC: MatchInfo[] = [
  match('source', 'Tests the packet\'s source address (`-s`).', [
    one('source', 'address[/mask][,…]', 'The source address or network; a comma list makes one rule per address.', { ...NEG, aliases: ['src', 's'], valueKind: 'address' }),
  ]),
  match('destination', 'Tests the packet\'s destination address (`-d`).', [
    one('destination', 'address[/mask][,…]', 'The destination address or network; a comma list makes one rule per address.', { ...NEG, aliases: ['dst', 'd'], valueKind: 'address' }),
  ]),
  match('in-interface', 'Tests the interface the packet came in on (`-i`); only where a packet has one: PREROUTING, INPUT, FORWARD.', [
    one('in-interface', 'name[+]', 'Interface name; a trailing `+` matches every name with that prefix.', { ...NEG, aliases: ['i'], valueKind: 'interface' }),
  ], { hooks: ['PREROUTING', 'INPUT', 'FORWARD'] }),
  match('out-interface', 'Tests the interface the packet will leave by (`-o`); only where it is known: FORWARD, OUTPUT, POSTROUTING.', [
    one('out-interface', 'name[+]', 'Interface name; a trailing `+` matches every name with that prefix.', { ...NEG, aliases: ['o'], valueKind: 'interface' }),
  ], { hooks: ['FORWARD', 'OUTPUT', 'POSTROUTING'] }),
  match('protocol', 'Tests the packet\'s layer-4 protocol (`-p`): tcp, udp, icmp, a name from /etc/protocols or a number.', [
    one('protocol', 'name|number', 'The protocol; `all` (or 0) means any.', {
      ...NEG, aliases: ['p'],
      values: ['tcp', 'udp', 'udplite', 'icmp', 'ipv6-icmp', 'icmpv6', 'esp', 'ah', 'sctp', 'dccp', 'gre', 'all', 'mh'],
    }),
  ]),
  match('fragment', 'Tests that the packet is a second or later fragment of a fragmented IPv4 datagram (`-f`); such fragments carry no ports.', [], { families: ['ipv4'] }),
];

const PROTOCOL_MATCHES: MatchInfo[] = [
  match('tcp', 'Tests TCP header fields: ports, flags and options. Loaded by `-p tcp`.', [
    one('sport', PORT, 'Source port or range.', { ...NEG, aliases: ['source-port'], valueKind: 'portRange' }),
    one('dport', PORT, 'Destination port or range.', { ...NEG, aliases: ['destination-port'], valueKind: 'portRange' }),
    two('tcp-flags', 'MASK COMP', 'Looks at the flags in MASK and requires exactly those in COMP to be set (comma lists of SYN,ACK,FIN,RST,URG,PSH,ALL,NONE).', { ...NEG, ...docsOf(TCP_FLAGS), list: true, valueKind: 'flags' }),
    flag('syn', 'Only connection openers: SYN set, ACK, RST and FIN clear (same as `--tcp-flags FIN,SYN,RST,ACK SYN`).', NEG),
    one('tcp-option', 'number', 'The TCP option with this number is present.', { ...NEG, valueKind: 'number' }),
  ], { protocols: ['tcp'] }),
  match('udp', 'Tests UDP ports. Loaded by `-p udp`.', [
    one('sport', PORT, 'Source port or range.', { ...NEG, aliases: ['source-port'], valueKind: 'portRange' }),
    one('dport', PORT, 'Destination port or range.', { ...NEG, aliases: ['destination-port'], valueKind: 'portRange' }),
  ], { protocols: ['udp'] }),
  match('udplite', 'Tests UDP-Lite ports.', [
    one('sport', PORT, 'Source port or range.', { ...NEG, aliases: ['source-port'], valueKind: 'portRange' }),
    one('dport', PORT, 'Destination port or range.', { ...NEG, aliases: ['destination-port'], valueKind: 'portRange' }),
  ], { protocols: ['udplite'] }),
  match('icmp', 'Tests the ICMP type and code of IPv4 ICMP packets. Loaded by `-p icmp`.', [
    one('icmp-type', 'type[/code]|name', 'The ICMP type (and code), by number or name; `any` matches all.', { ...NEG, ...docsOf(ICMP_TYPES) }),
  ], { families: ['ipv4'], protocols: ['icmp'] }),
  match('icmp6', 'Tests the ICMPv6 type and code. Loaded by `-p ipv6-icmp`.', [
    one('icmpv6-type', 'type[/code]|name', 'The ICMPv6 type (and code), by number or name.', { ...NEG, ...docsOf(ICMP6_TYPES) }),
  ], { families: ['ipv6'], protocols: ['ipv6-icmp', 'icmpv6', 'icmp6'] }),
  match('sctp', 'Tests SCTP ports and chunk types.', [
    one('sport', PORT, 'Source port or range.', { ...NEG, aliases: ['source-port'], valueKind: 'portRange' }),
    one('dport', PORT, 'Destination port or range.', { ...NEG, aliases: ['destination-port'], valueKind: 'portRange' }),
    two('chunk-types', 'all|any|only TYPE[:FLAGS][,…]', 'Which chunk types must be present: all of them, any of them, or only them.', NEG),
  ], { protocols: ['sctp'] }),
  match('dccp', 'Tests DCCP ports, packet types and options.', [
    one('sport', PORT, 'Source port or range.', { ...NEG, aliases: ['source-port'], valueKind: 'portRange' }),
    one('dport', PORT, 'Destination port or range.', { ...NEG, aliases: ['destination-port'], valueKind: 'portRange' }),
    one('dccp-types', 'TYPE[,…]', 'The DCCP packet type is one of these.', {
      ...NEG, list: true, values: ['REQUEST', 'RESPONSE', 'DATA', 'ACK', 'DATAACK', 'CLOSEREQ', 'CLOSE', 'RESET', 'SYNC', 'SYNCACK', 'INVALID'],
    }),
    one('dccp-option', 'number', 'The DCCP option with this number is present.', NEG),
  ], { protocols: ['dccp'] }),
];

const STATE_MATCHES: MatchInfo[] = [
  match('conntrack', 'Tests what connection tracking knows about the packet\'s connection: its state, status, original and reply addresses and ports, direction and remaining lifetime.', [
    one('ctstate', 'STATE[,…]', 'The connection is in one of these states.', { ...NEG, ...docsOf(CT_STATES), list: true }),
    one('ctproto', 'protocol', 'The layer-4 protocol of the connection.', NEG),
    one('ctorigsrc', 'address[/mask]', 'Source address of the original direction.', { ...NEG, valueKind: 'address' }),
    one('ctorigdst', 'address[/mask]', 'Destination address of the original direction (before any DNAT).', { ...NEG, valueKind: 'address' }),
    one('ctreplsrc', 'address[/mask]', 'Source address of the reply direction.', { ...NEG, valueKind: 'address' }),
    one('ctrepldst', 'address[/mask]', 'Destination address of the reply direction.', { ...NEG, valueKind: 'address' }),
    one('ctorigsrcport', PORT, 'Source port of the original direction.', { ...NEG, valueKind: 'portRange' }),
    one('ctorigdstport', PORT, 'Destination port of the original direction.', { ...NEG, valueKind: 'portRange' }),
    one('ctreplsrcport', PORT, 'Source port of the reply direction.', { ...NEG, valueKind: 'portRange' }),
    one('ctrepldstport', PORT, 'Destination port of the reply direction.', { ...NEG, valueKind: 'portRange' }),
    one('ctstatus', 'STATUS[,…]', 'The connection has one of these status bits.', { ...NEG, ...docsOf(CT_STATUS), list: true }),
    one('ctexpire', 'seconds[:seconds]', 'Seconds left before the connection entry expires.', { ...NEG, valueKind: 'range' }),
    one('ctdir', 'ORIGINAL|REPLY', 'Which direction of the connection the packet travels.', docsOf(CT_DIRS)),
  ]),
  match('state', 'Tests the connection tracking state of the packet (the older form of `-m conntrack --ctstate`).', [
    one('state', 'STATE[,…]', 'The connection is in one of these states.', { ...NEG, ...docsOf(STATES), list: true }),
  ]),
  match('mark', 'Tests the packet\'s firewall mark (the skb mark set by `-j MARK`): `(mark & mask) == value`.', [
    one('mark', 'value[/mask]', 'Mark value, optionally compared only under a mask.', { ...NEG, valueKind: 'mark' }),
  ]),
  match('connmark', 'Tests the mark stored on the packet\'s connection (set by `-j CONNMARK`): `(ctmark & mask) == value`.', [
    one('mark', 'value[/mask]', 'Connection mark value, optionally under a mask.', { ...NEG, valueKind: 'mark' }),
  ]),
  match('helper', 'Tests that the packet\'s connection was set up by this conntrack helper (ftp, sip, …; `ftp-2121` names a helper on a non-standard port).', [
    one('helper', 'name[-port]', 'The helper\'s name.', NEG),
  ]),
  match('connbytes', 'Tests how many bytes or packets the connection has carried so far (or the average packet size).', [
    one('connbytes', 'from[:to]', 'The range the counter must lie in.', { ...NEG, valueKind: 'range' }),
    one('connbytes-dir', 'original|reply|both', 'Which direction\'s counter to use.', { values: ['original', 'reply', 'both'] }),
    one('connbytes-mode', 'packets|bytes|avgpkt', 'Count packets, bytes, or use the average packet size.', { values: ['packets', 'bytes', 'avgpkt'] }),
  ]),
  match('connlimit', 'Tests how many connections the source (or destination) address or network already has open.', [
    one('connlimit-upto', 'n', 'Matches while there are at most n connections.', { valueKind: 'number' }),
    one('connlimit-above', 'n', 'Matches when there are more than n connections.', { valueKind: 'number' }),
    one('connlimit-mask', 'prefix length', 'Groups addresses by this prefix length before counting.', { valueKind: 'number' }),
    flag('connlimit-saddr', 'Counts per source address group (the default).'),
    flag('connlimit-daddr', 'Counts per destination address group.'),
  ]),
  match('connlabel', 'Tests (and can set) a connection label bit.', [
    one('label', 'name|bit', 'The label, by name from connlabel.conf or bit number.', NEG),
    flag('set', 'Sets the label on the connection if it is not set yet.'),
  ]),
];

const MISC_MATCHES: MatchInfo[] = [
  match('comment', 'Does not test anything: carries a note (up to 255 bytes) that the listing shows. Tools such as kube-proxy name their rules with it.', [
    one('comment', 'text', 'The note.', { valueKind: 'text' }),
  ]),
  match('multiport', 'Tests the source or destination port against a list of up to 15 ports or ranges. Needs `-p tcp`, `udp`, `udplite`, `sctp` or `dccp`.', [
    one('sports', PORT_LIST, 'The source port is in the list.', { ...NEG, aliases: ['source-ports'], valueKind: 'portList' }),
    one('dports', PORT_LIST, 'The destination port is in the list.', { ...NEG, aliases: ['destination-ports'], valueKind: 'portList' }),
    one('ports', PORT_LIST, 'Either the source or the destination port is in the list.', { ...NEG, valueKind: 'portList' }),
  ], { protocols: ['tcp', 'udp', 'udplite', 'sctp', 'dccp'] }),
  match('addrtype', 'Tests the routing type of the source or destination address: whether it is local to this host, broadcast, multicast, and so on.', [
    one('src-type', 'TYPE[,…]', 'The source address has one of these types.', { ...NEG, ...docsOf(ADDRESS_TYPES), list: true }),
    one('dst-type', 'TYPE[,…]', 'The destination address has one of these types.', { ...NEG, ...docsOf(ADDRESS_TYPES), list: true }),
    flag('limit-iface-in', 'Looks the type up only on the incoming interface (PREROUTING, INPUT, FORWARD).'),
    flag('limit-iface-out', 'Looks the type up only on the outgoing interface (FORWARD, OUTPUT, POSTROUTING).'),
  ]),
  match('statistic', 'Matches a share of packets: at random with a probability, or every nth packet. kube-proxy spreads connections over endpoints with it.', [
    one('mode', 'random|nth', 'Random sampling or a packet counter.', { values: ['random', 'nth'], valueDocs: { random: 'each packet matches with the given probability', nth: 'every nth packet matches' } }),
    one('probability', 'p', 'Chance between 0 and 1 that a packet matches (random mode).', { ...NEG, valueKind: 'number' }),
    one('every', 'n', 'Match one packet in n (nth mode).', { ...NEG, valueKind: 'number' }),
    one('packet', 'p', 'Which packet of each n matches, counting from 0 (nth mode).', { valueKind: 'number' }),
  ]),
  match('limit', 'Matches packets at most at an average rate, with a burst allowance (a token bucket shared by every packet reaching the rule).', [
    one('limit', 'rate[/second|/minute|/hour|/day]', 'Average rate; the default is 3/hour.', { valueKind: 'rate' }),
    one('limit-burst', 'n', 'How many packets may match at once before the rate applies (default 5).', { valueKind: 'number' }),
  ]),
];

/** Every match extension the table knows, in no particular order. */
export const MATCH_LIST: MatchInfo[] = [...GENERIC, ...PROTOCOL_MATCHES, ...STATE_MATCHES, ...MISC_MATCHES];
