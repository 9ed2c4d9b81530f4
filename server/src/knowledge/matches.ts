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

/** The kernel refuses BROADCAST, BLACKHOLE, PROHIBIT, THROW, NAT and XRESOLVE in ip6tables (checked with ip6tables-legacy). */
const ADDRESS_TYPES_BY_FAMILY = {
  ipv4: Object.keys(ADDRESS_TYPES),
  ipv6: ['UNSPEC', 'UNICAST', 'LOCAL', 'ANYCAST', 'MULTICAST', 'UNREACHABLE'],
};
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
    one('connlimit-upto', 'n', 'Matches while there are at most n connections.', { ...NEG, valueKind: 'number' }),
    one('connlimit-above', 'n', 'Matches when there are more than n connections.', { ...NEG, valueKind: 'number' }),
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
    one('src-type', 'TYPE[,…]', 'The source address has one of these types.', { ...NEG, ...docsOf(ADDRESS_TYPES), valuesByFamily: ADDRESS_TYPES_BY_FAMILY, list: true }),
    one('dst-type', 'TYPE[,…]', 'The destination address has one of these types.', { ...NEG, ...docsOf(ADDRESS_TYPES), valuesByFamily: ADDRESS_TYPES_BY_FAMILY, list: true }),
    flag('limit-iface-in', 'Looks the type up only on the incoming interface.', { hooks: ['PREROUTING', 'INPUT', 'FORWARD'] }),
    flag('limit-iface-out', 'Looks the type up only on the outgoing interface.', { hooks: ['FORWARD', 'OUTPUT', 'POSTROUTING'] }),
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

const IN_HOOKS = ['PREROUTING', 'INPUT', 'FORWARD'];
const OUT_HOOKS = ['FORWARD', 'OUTPUT', 'POSTROUTING'];

const PACKET_MATCHES: MatchInfo[] = [
  match('length', 'Tests the length of the packet\'s layer-3 payload plus header (the whole IP packet) in bytes.', [
    one('length', 'n[:m]', 'Length or range in bytes.', { ...NEG, valueKind: 'range' }),
  ]),
  match('ttl', 'Tests the IPv4 time-to-live field.', [
    one('ttl-eq', 'n', 'TTL equals n.', { ...NEG, valueKind: 'number' }),
    one('ttl-lt', 'n', 'TTL is less than n.', { valueKind: 'number' }),
    one('ttl-gt', 'n', 'TTL is greater than n.', { valueKind: 'number' }),
  ], { families: ['ipv4'] }),
  match('hl', 'Tests the IPv6 hop limit field.', [
    one('hl-eq', 'n', 'Hop limit equals n.', { ...NEG, valueKind: 'number' }),
    one('hl-lt', 'n', 'Hop limit is less than n.', { valueKind: 'number' }),
    one('hl-gt', 'n', 'Hop limit is greater than n.', { valueKind: 'number' }),
  ], { families: ['ipv6'] }),
  match('tos', 'Tests the IPv4 type-of-service byte (or IPv6 traffic class): `(tos & mask) == value`.', [
    one('tos', 'value[/mask]|name', 'Value and mask, or a name: Minimize-Delay, Maximize-Throughput, Maximize-Reliability, Minimize-Cost, Normal-Service.', {
      ...NEG, values: ['Minimize-Delay', 'Maximize-Throughput', 'Maximize-Reliability', 'Minimize-Cost', 'Normal-Service'], valueKind: 'mark',
    }),
  ]),
  match('dscp', 'Tests the 6-bit DSCP field of the IP header (the upper bits of TOS / traffic class).', [
    one('dscp', 'value', 'DSCP value, 0 to 63 (decimal or hex).', { ...NEG, valueKind: 'number' }),
    one('dscp-class', 'class', 'A DiffServ class name: BE, EF, AF11…AF43, CS0…CS7.', {
      ...NEG, values: ['BE', 'EF', 'AF11', 'AF12', 'AF13', 'AF21', 'AF22', 'AF23', 'AF31', 'AF32', 'AF33', 'AF41', 'AF42', 'AF43', 'CS0', 'CS1', 'CS2', 'CS3', 'CS4', 'CS5', 'CS6', 'CS7'],
    }),
  ]),
  match('ecn', 'Tests Explicit Congestion Notification bits in the IP and TCP headers.', [
    flag('ecn-tcp-cwr', 'The TCP CWR (congestion window reduced) flag is set.', NEG),
    flag('ecn-tcp-ece', 'The TCP ECE (ECN echo) flag is set.', NEG),
    one('ecn-ip-ect', '0-3', 'The IP ECN field has this value (0 not capable, 1/2 capable, 3 congestion experienced).', { ...NEG, valueKind: 'number' }),
  ]),
  match('pkttype', 'Tests the link-layer packet type: unicast, broadcast or multicast.', [
    one('pkt-type', 'unicast|broadcast|multicast', 'The packet type.', { ...NEG, ...docsOf(PACKET_TYPES) }),
  ]),
  match('tcpmss', 'Tests the MSS option of TCP SYN packets.', [
    one('mss', 'n[:m]', 'MSS value or range.', { ...NEG, valueKind: 'range' }),
  ], { protocols: ['tcp'] }),
  match('iprange', 'Tests the source or destination address against an arbitrary address range (not just a prefix).', [
    one('src-range', 'from-to', 'The source address is in the range.', { ...NEG, valueKind: 'addressRange' }),
    one('dst-range', 'from-to', 'The destination address is in the range.', { ...NEG, valueKind: 'addressRange' }),
  ]),
  match('mac', 'Tests the source MAC address of incoming Ethernet frames.', [
    one('mac-source', 'XX:XX:XX:XX:XX:XX', 'The source MAC address.', NEG),
  ], { hooks: IN_HOOKS }),
  match('string', 'Searches the packet\'s payload for a byte pattern.', [
    one('string', 'text', 'The text to find.', { ...NEG, valueKind: 'text' }),
    one('hex-string', '|hex bytes|', 'The pattern, with bytes in hex between bars.', { ...NEG, valueKind: 'text' }),
    one('algo', 'bm|kmp', 'Search algorithm: Boyer-Moore or Knuth-Pratt-Morris.', { values: ['bm', 'kmp'] }),
    one('from', 'offset', 'Start searching at this byte offset.', { valueKind: 'number' }),
    one('to', 'offset', 'Stop searching at this byte offset.', { valueKind: 'number' }),
    flag('icase', 'Ignores case.'),
  ]),
  match('u32', 'Tests arbitrary 32-bit words of the packet with a small expression language (offsets, masks, shifts, ranges).', [
    one('u32', 'tests', 'The expression, e.g. `0>>22&0x3C@12>>26&0x3C@0&0xFF=0x0F`.', { ...NEG, valueKind: 'text' }),
  ]),
  match('bpf', 'Runs a classic BPF program (or a pinned eBPF object) against the packet; it matches when the program returns non-zero.', [
    one('bytecode', 'count,code jt jf k,…', 'The program as `nfbpf_compile` prints it.', { valueKind: 'text' }),
    one('object-pinned', 'path', 'A pinned eBPF program.'),
  ]),
  match('eui64', 'IPv6 only: tests that the EUI-64 interface identifier of the source address matches the sender\'s MAC address.', [], { families: ['ipv6'], hooks: IN_HOOKS }),
];

const IPSEC_AND_IPV6: MatchInfo[] = [
  match('esp', 'Tests the SPI of IPsec ESP packets.', [
    one('espspi', 'spi[:spi]', 'SPI or range.', { ...NEG, valueKind: 'range' }),
  ], { protocols: ['esp'] }),
  match('ah', 'Tests fields of the IPsec authentication header.', [
    one('ahspi', 'spi[:spi]', 'SPI or range.', { ...NEG, valueKind: 'range' }),
    one('ahlen', 'n', 'Header length (IPv6).', { ...NEG, valueKind: 'number' }),
    flag('ahres', 'The reserved field is zero (IPv6).'),
  ], { protocols: ['ah'] }),
  match('ipcomp', 'Tests the CPI of IP compression (IPComp) packets.', [
    one('ipcompspi', 'cpi[:cpi]', 'CPI or range.', { ...NEG, valueKind: 'range' }),
    flag('compres', 'The reserved field is set.'),
  ], { protocols: ['ipcomp'] }),
  match('policy', 'Tests the IPsec policy that applied (or will apply) to the packet: direction, whether IPsec is used, and the SA\'s fields.', [
    one('dir', 'in|out', 'Decapsulation (in, PREROUTING/INPUT/FORWARD) or encapsulation (out, FORWARD/OUTPUT/POSTROUTING) policy.', { values: ['in', 'out'] }),
    one('pol', 'none|ipsec', 'Whether the packet is (to be) processed by IPsec.', { values: ['none', 'ipsec'] }),
    flag('strict', 'The elements below must match the whole policy, in order.'),
    one('reqid', 'id', 'The SA request id.', NEG),
    one('spi', 'spi', 'The SA\'s SPI.', NEG),
    one('proto', 'ah|esp|ipcomp', 'The IPsec protocol.', { ...NEG, values: ['ah', 'esp', 'ipcomp'] }),
    one('mode', 'tunnel|transport', 'The IPsec mode.', { ...NEG, values: ['tunnel', 'transport'] }),
    one('tunnel-src', 'address[/mask]', 'Tunnel source address (tunnel mode).', { ...NEG, valueKind: 'address' }),
    one('tunnel-dst', 'address[/mask]', 'Tunnel destination address (tunnel mode).', { ...NEG, valueKind: 'address' }),
    flag('next', 'Starts the next element of a strict policy.'),
  ]),
  match('frag', 'IPv6 only: tests fields of the fragment header.', [
    one('fragid', 'id[:id]', 'Fragment identification or range.', { ...NEG, valueKind: 'range' }),
    one('fraglen', 'n', 'Header length.', { ...NEG, valueKind: 'number' }),
    flag('fragres', 'The reserved fields are set.'),
    flag('fragfirst', 'The first fragment.'),
    flag('fragmore', 'A fragment with more to follow.'),
    flag('fraglast', 'The last fragment.'),
  ], { families: ['ipv6'] }),
  match('hbh', 'IPv6 only: tests the hop-by-hop options header.', [
    one('hbh-len', 'n', 'Header length.', { ...NEG, valueKind: 'number' }),
    one('hbh-opts', 'type[:length][,…]', 'Options present, with their lengths.'),
  ], { families: ['ipv6'] }),
  match('dst', 'IPv6 only: tests the destination options header.', [
    one('dst-len', 'n', 'Header length.', { ...NEG, valueKind: 'number' }),
    one('dst-opts', 'type[:length][,…]', 'Options present, with their lengths.'),
  ], { families: ['ipv6'] }),
  match('rt', 'IPv6 only: tests the routing header.', [
    one('rt-type', 'n', 'Routing header type.', { ...NEG, valueKind: 'number' }),
    one('rt-segsleft', 'n[:m]', 'Segments left, or a range.', { ...NEG, valueKind: 'range' }),
    one('rt-len', 'n', 'Header length.', { ...NEG, valueKind: 'number' }),
    flag('rt-0-res', 'The reserved field is set (type 0).'),
    one('rt-0-addrs', 'address[,…]', 'Addresses in a type 0 header.'),
    flag('rt-0-not-strict', 'The addresses need not be exactly these.'),
  ], { families: ['ipv6'] }),
  match('mh', 'IPv6 only: tests the Mobility Header type.', [
    one('mh-type', 'type[:type]', 'Type name or number, or a range.', NEG),
  ], { families: ['ipv6'], protocols: ['mh', 'mobility-header', 'ipv6-mh'] }),
  match('ipv6header', 'IPv6 only: tests which extension headers the packet carries.', [
    one('header', 'name[,…]', 'The headers: hop-by-hop, dst (ipv6-opts), route, frag, auth, esp, none, proto.', {
      ...NEG, list: true, values: ['hop-by-hop', 'hop', 'ipv6-opts', 'dst', 'ipv6-route', 'route', 'ipv6-frag', 'frag', 'ah', 'auth', 'esp', 'ipv6-nonxt', 'none', 'prot', 'protocol'],
    }),
    flag('soft', 'Matches if the packet has at least these headers (not exactly these).'),
  ], { families: ['ipv6'] }),
  match('srh', 'IPv6 only: tests the segment routing header.', [
    one('srh-next-hdr', 'n', 'Next header.', { ...NEG, valueKind: 'number' }),
    one('srh-hdr-len-eq', 'n', 'Header length equals n.', NEG), one('srh-hdr-len-gt', 'n', 'Header length greater than n.', NEG), one('srh-hdr-len-lt', 'n', 'Header length less than n.', NEG),
    one('srh-segs-left-eq', 'n', 'Segments left equals n.', NEG), one('srh-segs-left-gt', 'n', 'Segments left greater than n.', NEG), one('srh-segs-left-lt', 'n', 'Segments left less than n.', NEG),
    one('srh-last-entry-eq', 'n', 'Last entry equals n.', NEG), one('srh-last-entry-gt', 'n', 'Last entry greater than n.', NEG), one('srh-last-entry-lt', 'n', 'Last entry less than n.', NEG),
    one('srh-tag', 'n', 'Tag equals n.', NEG),
    one('srh-psid', 'address/mask', 'Previous segment.', NEG), one('srh-nsid', 'address/mask', 'Next segment.', NEG), one('srh-lsid', 'address/mask', 'Last segment.', NEG),
  ], { families: ['ipv6'] }),
];

const LOCAL_MATCHES: MatchInfo[] = [
  match('owner', 'Tests which local process created the packet: its user, group, or whether it has a socket. Only for locally generated packets.', [
    one('uid-owner', 'user[-user]', 'The socket\'s user, by name, id or id range.', NEG),
    one('gid-owner', 'group[-group]', 'The socket\'s group, by name, id or id range.', NEG),
    flag('suppl-groups', 'Also looks at the user\'s supplementary groups for --gid-owner.'),
    flag('socket-exists', 'The packet has a socket.', NEG),
  ], { hooks: ['OUTPUT', 'POSTROUTING'] }),
  match('cgroup', 'Tests the control group of the local process that owns the packet\'s socket.', [
    one('path', 'path', 'cgroup v2 path.', NEG),
    one('cgroup', 'classid', 'cgroup v1 net_cls class id.', NEG),
  ], { hooks: ['INPUT', 'OUTPUT', 'POSTROUTING'] }),
  match('socket', 'Tests that a local socket exists for the packet (for transparent proxying).', [
    flag('transparent', 'The socket must be transparent (IP_TRANSPARENT).'),
    flag('nowildcard', 'Also matches sockets bound to 0.0.0.0.'),
    flag('restore-skmark', 'Copies the socket\'s mark to the packet.'),
  ], { hooks: ['PREROUTING', 'INPUT'] }),
  match('rpfilter', 'Reverse-path filter: tests that a reply to the packet\'s source would leave by the interface the packet came in on.', [
    flag('loose', 'Any route back to the source is enough, whatever the interface.'),
    flag('validmark', 'Uses the packet mark for the route lookup.'),
    flag('accept-local', 'Accepts packets whose source is a local address.'),
    flag('invert', 'Matches packets that fail the check.'),
  ], { tables: ['raw', 'mangle'], hooks: ['PREROUTING'] }),
  match('physdev', 'Tests the bridge ports a bridged packet came in on or leaves by (with br_netfilter).', [
    one('physdev-in', 'name[+]', 'The bridge port the packet entered by.', { ...NEG, valueKind: 'interface' }),
    one('physdev-out', 'name[+]', 'The bridge port the packet will leave by.', { ...NEG, valueKind: 'interface', hooks: ['PREROUTING', 'INPUT', 'FORWARD', 'POSTROUTING'] }),
    flag('physdev-is-in', 'The packet entered through a bridge port.', NEG),
    flag('physdev-is-out', 'The packet will leave through a bridge port.', { ...NEG, hooks: ['PREROUTING', 'INPUT', 'FORWARD', 'POSTROUTING'] }),
    flag('physdev-is-bridged', 'The packet is being bridged, not routed.', NEG),
  ]),
  match('devgroup', 'Tests the device group of the incoming or outgoing interface.', [
    one('src-group', 'group[/mask]', 'Group of the incoming interface.', { ...NEG, valueKind: 'mark', hooks: IN_HOOKS }),
    one('dst-group', 'group[/mask]', 'Group of the outgoing interface.', { ...NEG, valueKind: 'mark', hooks: OUT_HOOKS }),
  ]),
  match('realm', 'Tests the routing realm of the packet\'s route.', [
    one('realm', 'value[/mask]|name', 'Realm number or name from rt_realms.', { ...NEG, valueKind: 'mark' }),
  ], { families: ['ipv4'], hooks: ['INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'] }),
  match('cpu', 'Tests which CPU is handling the packet.', [
    one('cpu', 'n', 'CPU number.', { ...NEG, valueKind: 'number' }),
  ]),
  match('cluster', 'Spreads packets over cluster nodes by a hash of the source address; matches those that belong to this node.', [
    one('cluster-total-nodes', 'n', 'Number of nodes.', { valueKind: 'number' }),
    one('cluster-local-node', 'n', 'This node\'s number.', { ...NEG, valueKind: 'number' }),
    one('cluster-local-nodemask', 'mask', 'This node\'s numbers as a bit mask.', NEG),
    one('cluster-hash-seed', 'value', 'Seed for the hash.'),
  ]),
  match('osf', 'Passive OS fingerprinting: tests which operating system sent a TCP SYN.', [
    one('genre', 'name', 'OS genre, e.g. Linux.', NEG),
    one('ttl', '0|1|2', 'How strictly to check the TTL.'),
    one('log', '0|1|2', 'Log matches or mismatches.'),
  ], { families: ['ipv4'], protocols: ['tcp'], hooks: IN_HOOKS }),
  match('nfacct', 'Counts the packet in a named nfacct accounting object; always matches.', [
    one('nfacct-name', 'name', 'The accounting object (made with nfacct).'),
  ]),
  match('quota', 'Matches until a byte quota is used up, then stops matching.', [
    one('quota', 'bytes', 'The quota in bytes.', { ...NEG, valueKind: 'number' }),
  ]),
  match('ipvs', 'Tests IPVS (kernel load balancer) properties of the packet\'s connection.', [
    flag('ipvs', 'The packet belongs to an IPVS connection.', NEG),
    one('vproto', 'protocol', 'Virtual service protocol.', NEG),
    one('vaddr', 'address[/mask]', 'Virtual service address.', { ...NEG, valueKind: 'address' }),
    one('vport', 'port', 'Virtual service port.', { ...NEG, valueKind: 'port' }),
    one('vdir', 'ORIGINAL|REPLY', 'Direction of the packet.', { values: ['ORIGINAL', 'REPLY'] }),
    one('vmethod', 'GATE|IPIP|MASQ', 'Forwarding method.', { ...NEG, values: ['GATE', 'IPIP', 'MASQ'] }),
    one('vportctl', 'port', 'Port of the controlling connection.', NEG),
  ]),
  match('l2tp', 'Tests L2TP tunnel and session ids.', [
    one('tid', 'id', 'Tunnel id.'), one('sid', 'id', 'Session id.'),
    one('pversion', '2|3', 'L2TP version.', { values: ['2', '3'] }),
    one('type', 'control|data', 'Message type.', { values: ['control', 'data'] }),
  ], { protocols: ['udp', 'l2tp'] }),
];

const RATE_AND_SETS: MatchInfo[] = [
  match('hashlimit', 'Like limit, but keeps a separate token bucket per source/destination address or port group, in a named hash table.', [
    one('hashlimit-upto', 'rate[/unit]', 'Matches while the group\'s rate is at most this (packets or bytes per second/minute/hour/day).', { valueKind: 'rate', aliases: ['hashlimit'] }),
    one('hashlimit-above', 'rate[/unit]', 'Matches when the group\'s rate is above this.', { valueKind: 'rate' }),
    one('hashlimit-burst', 'n', 'Burst allowance (default 5).', { valueKind: 'number' }),
    one('hashlimit-mode', 'srcip,srcport,dstip,dstport', 'Which fields make a group (none: one bucket for all).', { list: true, values: ['srcip', 'srcport', 'dstip', 'dstport'] }),
    one('hashlimit-srcmask', 'prefix length', 'Groups source addresses by this prefix.', { valueKind: 'number' }),
    one('hashlimit-dstmask', 'prefix length', 'Groups destination addresses by this prefix.', { valueKind: 'number' }),
    one('hashlimit-name', 'name', 'The hash table\'s name (see /proc/net/ipt_hashlimit/).'),
    one('hashlimit-htable-size', 'n', 'Number of buckets.', { valueKind: 'number' }),
    one('hashlimit-htable-max', 'n', 'Maximum number of entries.', { valueKind: 'number' }),
    one('hashlimit-htable-expire', 'ms', 'Milliseconds after which an idle entry expires.', { valueKind: 'number' }),
    one('hashlimit-htable-gcinterval', 'ms', 'Milliseconds between garbage collections.', { valueKind: 'number' }),
    flag('hashlimit-rate-match', 'Classifies flows by rate rather than limiting them.'),
    one('hashlimit-rate-interval', 'seconds', 'Sampling interval for --hashlimit-rate-match.', { valueKind: 'number' }),
  ]),
  match('recent', 'Keeps a named list of recently seen addresses: adds the packet\'s address, or tests, updates or removes it. Often used against brute force.', [
    one('name', 'name', 'The list\'s name (DEFAULT when omitted).'),
    flag('set', 'Adds the address to the list; always matches.', NEG),
    flag('rcheck', 'Matches if the address is in the list.', NEG),
    flag('update', 'Like --rcheck, and refreshes the address\'s last-seen time.', NEG),
    flag('remove', 'Matches if the address is in the list, and removes it.', NEG),
    one('seconds', 'n', 'Only if seen within the last n seconds.', { valueKind: 'number' }),
    flag('reap', 'Purges entries older than --seconds.'),
    one('hitcount', 'n', 'Only if seen at least n times.', { valueKind: 'number' }),
    flag('rttl', 'The TTL must also be the same as when added.'),
    flag('rsource', 'Uses the source address (the default).'),
    flag('rdest', 'Uses the destination address.'),
    one('mask', 'netmask', 'Mask applied to the address first.'),
  ]),
  match('set', 'Tests the packet\'s addresses or ports against an ipset set.', [
    two('match-set', 'SET FLAGS', 'The set\'s name and which fields to look up, as a comma list of src/dst (e.g. `src`, `dst,dst`).', { ...NEG, aliases: ['set'] }),
    flag('return-nomatch', 'Also matches entries marked nomatch in the set.'),
    flag('update-counters', 'Updates the set entry\'s counters (default).', NEG),
    flag('update-subcounters', 'Updates counters of the member set in a list:set.', NEG),
    one('packets-eq', 'n', 'The entry\'s packet counter equals n.', NEG), one('packets-lt', 'n', 'Packet counter less than n.'), one('packets-gt', 'n', 'Packet counter greater than n.'),
    one('bytes-eq', 'n', 'The entry\'s byte counter equals n.', NEG), one('bytes-lt', 'n', 'Byte counter less than n.'), one('bytes-gt', 'n', 'Byte counter greater than n.'),
  ]),
  match('rateest', 'Compares rates measured by RATEEST targets (bytes or packets per second) with a value or with each other.', [
    one('rateest', 'name', 'The estimator to read.'),
    one('rateest1', 'name', 'First estimator of a comparison.'), one('rateest2', 'name', 'Second estimator of a comparison.'),
    flag('rateest-delta', 'Compares the free capacity (rate minus given value).'),
    one('rateest-bps', 'rate', 'Bytes-per-second value.'), one('rateest-pps', 'n', 'Packets-per-second value.'),
    one('rateest-bps1', 'rate', 'First bytes-per-second value.'), one('rateest-pps1', 'n', 'First packets-per-second value.'),
    one('rateest-bps2', 'rate', 'Second bytes-per-second value.'), one('rateest-pps2', 'n', 'Second packets-per-second value.'),
    flag('rateest-lt', 'Less than.', NEG), flag('rateest-gt', 'Greater than.', NEG), flag('rateest-eq', 'Equal.', NEG),
  ]),
  match('time', 'Matches only at certain times: time of day, weekdays, days of the month, dates.', [
    one('timestart', 'hh:mm[:ss]', 'From this time of day.'),
    one('timestop', 'hh:mm[:ss]', 'Until this time of day.'),
    one('datestart', 'YYYY[-MM[-DD[Thh[:mm[:ss]]]]]', 'From this date.'),
    one('datestop', 'YYYY[-MM[-DD[Thh[:mm[:ss]]]]]', 'Until this date.'),
    one('weekdays', 'day[,…]', 'Only on these weekdays (Mon…Sun or 1…7).', { ...NEG, list: true, ...docsOf(WEEKDAYS) }),
    one('monthdays', 'day[,…]', 'Only on these days of the month (1…31).', { ...NEG, list: true }),
    flag('contiguous', 'A timestop before timestart means the next day.'),
    flag('kerneltz', 'Uses the kernel\'s time zone instead of UTC.', { aliases: ['localtz'] }),
    flag('utc', 'Uses UTC (the default).'),
  ]),
];

/** Every match extension the table knows, in no particular order. */
export const MATCH_LIST: MatchInfo[] = [
  ...GENERIC, ...PROTOCOL_MATCHES, ...STATE_MATCHES, ...MISC_MATCHES, ...PACKET_MATCHES, ...IPSEC_AND_IPV6, ...LOCAL_MATCHES, ...RATE_AND_SETS,
];
