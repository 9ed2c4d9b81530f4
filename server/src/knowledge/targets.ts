/**
 * Target extensions and the standard verdicts: what each does to the packet,
 * whether the packet's walk through the table ends there, its options, and the
 * tables and built-in chains where the kernel accepts it.
 */
import { flag, one, target, two } from './define';
import type { TargetInfo } from './types';
import { docsOf, LOG_LEVELS, REJECT_V4, REJECT_V6 } from './values';

const STANDARD: TargetInfo[] = [
  target('ACCEPT', true, 'Lets the packet through this table\'s chain: the walk through this table ends and the packet goes on to the next table or hook.', []),
  target('DROP', true, 'Throws the packet away silently; nothing is sent back.', []),
  target('RETURN', true, 'Leaves the current chain: the packet goes back to the rule after the one that jumped here, or, in a built-in chain, meets the chain\'s policy.', []),
  target('QUEUE', true, 'Hands the packet to a userspace program on queue 0 (the old form of NFQUEUE); dropped if nothing listens. The nf_tables backend refuses it.', []),
];

const NAT_RANGE = 'address[-address][:port[-port]]';

const NAT: TargetInfo[] = [
  target('DNAT', true, 'Rewrites the destination address (and port) of a new connection; the reply traffic is translated back automatically.', [
    one('to-destination', NAT_RANGE, 'New destination: an address or range, optionally with a port or port range.', { valueKind: 'natRange' }),
    flag('random', 'Picks the port at random within the range.'),
    flag('persistent', 'Gives a client the same address for every connection.'),
  ], { tables: ['nat'], hooks: ['PREROUTING', 'OUTPUT'] }),
  target('SNAT', true, 'Rewrites the source address (and port) of a new connection to a fixed address; replies are translated back.', [
    one('to-source', NAT_RANGE, 'New source: an address or range, optionally with a port range.', { valueKind: 'natRange' }),
    flag('random', 'Picks the source port at random.'),
    flag('random-fully', 'Picks the source port fully at random (avoids port collisions between many hosts).'),
    flag('persistent', 'Gives a client the same address for every connection.'),
  ], { tables: ['nat'], hooks: ['POSTROUTING', 'INPUT'] }),
  target('MASQUERADE', true, 'Rewrites the source address of a new connection to the address of the interface the packet leaves by (SNAT that follows the interface\'s address).', [
    one('to-ports', 'port[-port]', 'Source ports to use (needs -p tcp, udp, sctp or dccp).', { valueKind: 'portRange' }),
    flag('random', 'Picks the source port at random.'),
    flag('random-fully', 'Picks the source port fully at random (avoids port collisions between many hosts).'),
  ], { tables: ['nat'], hooks: ['POSTROUTING'] }),
  target('REDIRECT', true, 'Sends the packet to this host itself: the destination becomes the incoming interface\'s primary address (127.0.0.1 for local traffic), with an optional new port.', [
    one('to-ports', 'port[-port]', 'Local port or range to deliver to (needs a protocol with ports).', { valueKind: 'portRange' }),
    flag('random', 'Picks the port at random within the range.'),
  ], { tables: ['nat'], hooks: ['PREROUTING', 'OUTPUT'] }),
];

const FILTERING: TargetInfo[] = [
  target('REJECT', true, 'Drops the packet and sends an error back to the sender (an ICMP unreachable by default, or a TCP reset).', [
    one('reject-with', 'type', 'Which reply to send.', {
      values: [...new Set([...Object.keys(REJECT_V4), ...Object.keys(REJECT_V6)])],
      valuesByFamily: { ipv4: Object.keys(REJECT_V4), ipv6: Object.keys(REJECT_V6) },
      valueDocs: { ...REJECT_V6, ...REJECT_V4 },
    }),
  ], { tables: ['filter'], hooks: ['INPUT', 'FORWARD', 'OUTPUT'] }),
  target('LOG', false, 'Writes a line about the packet to the kernel log, then goes on with the next rule.', [
    one('log-level', 'level', 'Syslog level, by number or name (default 4, warning).', docsOf(LOG_LEVELS)),
    one('log-prefix', 'text', 'Text put in front of the log line (up to 29 characters).', { valueKind: 'text' }),
    flag('log-tcp-sequence', 'Logs TCP sequence numbers.'),
    flag('log-tcp-options', 'Logs TCP options.'),
    flag('log-ip-options', 'Logs IP options.'),
    flag('log-uid', 'Logs the user id of the process that sent the packet.'),
    flag('log-macdecode', 'Decodes the MAC header.'),
  ]),
];

const MARKING: TargetInfo[] = [
  target('MARK', false, 'Changes the packet\'s firewall mark (read later by `-m mark`, routing rules and NAT decisions), then goes on with the next rule.', [
    one('set-xmark', 'value[/mask]', 'Clears the bits in mask, then flips the bits in value: mark = (mark & ~mask) ^ value.', { valueKind: 'mark' }),
    one('set-mark', 'value[/mask]', 'Sets the bits of mask to value: mark = (mark & ~mask) | value.', { valueKind: 'mark' }),
    one('and-mark', 'bits', 'Keeps only these bits: mark &= bits.', { valueKind: 'mark' }),
    one('or-mark', 'bits', 'Sets these bits: mark |= bits.', { valueKind: 'mark' }),
    one('xor-mark', 'bits', 'Flips these bits: mark ^= bits.', { valueKind: 'mark' }),
  ]),
];

const RAW: TargetInfo[] = [
  target('CT', false, 'Sets connection tracking parameters for the packet\'s new connection: no tracking, a helper, a zone, events, a timeout policy.', [
    flag('notrack', 'Exempts the packet from connection tracking (it will be UNTRACKED).'),
    one('helper', 'name', 'Assigns this conntrack helper (ftp, sip, …) to the connection.'),
    one('timeout', 'name', 'Uses this timeout policy (made with nfct).'),
    one('zone', 'id|mark', 'Puts the connection in this conntrack zone (or the zone given by the packet mark).'),
    one('zone-orig', 'id|mark', 'The zone for the original direction only.'),
    one('zone-reply', 'id|mark', 'The zone for the reply direction only.'),
    one('ctevents', 'event[,…]', 'Only these connection events are reported.', { list: true, values: ['new', 'related', 'destroy', 'reply', 'assured', 'protoinfo', 'helper', 'mark', 'natseqinfo', 'secmark'] }),
    one('expevents', 'event[,…]', 'Only these expectation events are reported.', { list: true, values: ['new'] }),
  ], { tables: ['raw'], hooks: ['PREROUTING', 'OUTPUT'] }),
  target('NOTRACK', false, 'Exempts the packet from connection tracking (same as `-j CT --notrack`); iptables lists it as `CT` with text `NOTRACK`.', [], { tables: ['raw'], hooks: ['PREROUTING', 'OUTPUT'] }),
];

const MANGLE = ['mangle'];

const HEADER_EDITS: TargetInfo[] = [
  target('TOS', false, 'Changes the IPv4 type-of-service byte (or IPv6 traffic class): tos = (tos & ~mask) ^ value.', [
    one('set-tos', 'value[/mask]|name', 'Sets the bits of mask to value (names set the low 6 bits).', { valueKind: 'mark', values: ['Minimize-Delay', 'Maximize-Throughput', 'Maximize-Reliability', 'Minimize-Cost', 'Normal-Service'] }),
    one('and-tos', 'bits', 'Keeps only these bits.', { valueKind: 'mark' }),
    one('or-tos', 'bits', 'Sets these bits.', { valueKind: 'mark' }),
    one('xor-tos', 'bits', 'Flips these bits.', { valueKind: 'mark' }),
  ], { tables: MANGLE }),
  target('DSCP', false, 'Rewrites the DSCP field of the IP header (quality-of-service class).', [
    one('set-dscp', 'value', 'DSCP value 0…63.', { valueKind: 'number' }),
    one('set-dscp-class', 'class', 'A DiffServ class name (EF, AF41, CS1…).', {
      values: ['BE', 'EF', 'AF11', 'AF12', 'AF13', 'AF21', 'AF22', 'AF23', 'AF31', 'AF32', 'AF33', 'AF41', 'AF42', 'AF43', 'CS0', 'CS1', 'CS2', 'CS3', 'CS4', 'CS5', 'CS6', 'CS7'],
    }),
  ], { tables: MANGLE }),
  target('ECN', false, 'Clears the ECN bits of TCP packets, to work around hosts that break with ECN.', [
    flag('ecn-tcp-remove', 'Removes the ECE and CWR flags from the TCP header.'),
  ], { tables: MANGLE, protocols: ['tcp'], families: ['ipv4'] }),
  target('TTL', false, 'Changes the IPv4 time-to-live.', [
    one('ttl-set', 'n', 'Sets the TTL to n.', { valueKind: 'number' }),
    one('ttl-dec', 'n', 'Decreases the TTL by n.', { valueKind: 'number' }),
    one('ttl-inc', 'n', 'Increases the TTL by n.', { valueKind: 'number' }),
  ], { tables: MANGLE, families: ['ipv4'] }),
  target('HL', false, 'Changes the IPv6 hop limit.', [
    one('hl-set', 'n', 'Sets the hop limit to n.', { valueKind: 'number' }),
    one('hl-dec', 'n', 'Decreases the hop limit by n.', { valueKind: 'number' }),
    one('hl-inc', 'n', 'Increases the hop limit by n.', { valueKind: 'number' }),
  ], { tables: MANGLE, families: ['ipv6'] }),
  target('TCPMSS', false, 'Rewrites the MSS option of TCP SYN packets, to avoid trouble on paths with a smaller MTU. The rule must match only SYNs (`-p tcp --tcp-flags SYN,RST SYN` or `--syn`).', [
    one('set-mss', 'n', 'Sets the MSS to n bytes.', { valueKind: 'number' }),
    flag('clamp-mss-to-pmtu', 'Sets the MSS to the path MTU minus the headers (FORWARD, OUTPUT and POSTROUTING only).', { hooks: ['FORWARD', 'OUTPUT', 'POSTROUTING'] }),
  ], { protocols: ['tcp'] }),
  target('TCPOPTSTRIP', false, 'Removes TCP options from TCP packets.', [
    one('strip-options', 'option[,…]', 'Options by name or number: wscale, mss, sack-permitted, sack, timestamp, md5.', { list: true, values: ['wscale', 'mss', 'sack-permitted', 'sack', 'timestamp', 'md5'] }),
  ], { tables: MANGLE, protocols: ['tcp'] }),
  target('CHECKSUM', false, 'Fills in the checksum of a packet that still lacks one (for virtual machines with checksum offload on old DHCP clients).', [
    flag('checksum-fill', 'Computes and writes the checksum.'),
  ], { tables: MANGLE }),
  target('DNPT', false, 'IPv6 network prefix translation of the destination (RFC 6296): maps one prefix to another without keeping state.', [
    one('src-pfx', 'prefix/len', 'The prefix to replace.', { valueKind: 'address' }),
    one('dst-pfx', 'prefix/len', 'The prefix it becomes.', { valueKind: 'address' }),
  ], { tables: MANGLE, hooks: ['PREROUTING', 'OUTPUT'], families: ['ipv6'] }),
  target('SNPT', false, 'IPv6 network prefix translation of the source (RFC 6296): maps one prefix to another without keeping state.', [
    one('src-pfx', 'prefix/len', 'The prefix to replace.', { valueKind: 'address' }),
    one('dst-pfx', 'prefix/len', 'The prefix it becomes.', { valueKind: 'address' }),
  ], { tables: MANGLE, hooks: ['INPUT', 'POSTROUTING'], families: ['ipv6'] }),
];

const MORE_MARKS: TargetInfo[] = [
  target('CONNMARK', false, 'Changes the mark stored on the packet\'s connection, or copies marks between the packet and its connection.', [
    one('set-xmark', 'value[/mask]', 'ctmark = (ctmark & ~mask) ^ value.', { valueKind: 'mark' }),
    one('set-mark', 'value[/mask]', 'ctmark = (ctmark & ~mask) | value.', { valueKind: 'mark' }),
    one('and-mark', 'bits', 'ctmark &= bits.', { valueKind: 'mark' }),
    one('or-mark', 'bits', 'ctmark |= bits.', { valueKind: 'mark' }),
    one('xor-mark', 'bits', 'ctmark ^= bits.', { valueKind: 'mark' }),
    flag('save-mark', 'Copies the packet mark to the connection mark (under the masks).'),
    flag('restore-mark', 'Copies the connection mark to the packet mark (under the masks).'),
    one('nfmask', 'mask', 'Mask on the packet mark for save/restore.', { valueKind: 'mark' }),
    one('ctmask', 'mask', 'Mask on the connection mark for save/restore.', { valueKind: 'mark' }),
    one('mask', 'mask', 'Sets both --nfmask and --ctmask.', { valueKind: 'mark' }),
    one('left-shift-mark', 'n', 'Shifts the mark left by n bits while copying.', { valueKind: 'number' }),
    one('right-shift-mark', 'n', 'Shifts the mark right by n bits while copying.', { valueKind: 'number' }),
  ]),
  target('HMARK', false, 'Sets the packet mark from a hash of its addresses, ports and protocol, modulo a number plus an offset (to spread traffic over routes or queues).', [
    one('hmark-tuple', 'src,dst,sport,dport,spi,ct', 'Fields that go into the hash.', { list: true, values: ['src', 'dst', 'sport', 'dport', 'spi', 'proto', 'ct'] }),
    one('hmark-mod', 'n', 'Modulus.', { valueKind: 'number' }), one('hmark-offset', 'n', 'Offset added.', { valueKind: 'number' }),
    one('hmark-rnd', 'value', 'Random seed.'),
    one('hmark-src-prefix', 'len', 'Prefix of the source address used.'), one('hmark-dst-prefix', 'len', 'Prefix of the destination address used.'),
    one('hmark-sport-mask', 'mask', 'Mask on the source port.'), one('hmark-dport-mask', 'mask', 'Mask on the destination port.'),
    one('hmark-spi-mask', 'mask', 'Mask on the SPI.'), one('hmark-proto-mask', 'mask', 'Mask on the protocol.'),
  ]),
  target('CLASSIFY', false, 'Puts the packet in a traffic control (tc) class.', [
    one('set-class', 'major:minor', 'The class, in hex.'),
  ], { hooks: ['FORWARD', 'OUTPUT', 'POSTROUTING'] }),
  target('SECMARK', false, 'Labels the packet with an SELinux security context.', [
    one('selctx', 'context', 'The security context.'),
  ], { tables: ['mangle', 'security'] }),
  target('CONNSECMARK', false, 'Copies SELinux security labels between the packet and its connection.', [
    flag('save', 'Copies the packet\'s label to the connection.'),
    flag('restore', 'Copies the connection\'s label to the packet.'),
  ], { tables: ['mangle', 'security'] }),
];

const DELIVERY: TargetInfo[] = [
  target('NETMAP', true, 'Maps a whole network onto another one address by address (static 1:1 NAT): source in POSTROUTING/INPUT, destination in PREROUTING/OUTPUT.', [
    one('to', 'address/prefix', 'The network to map to; the host bits are kept.', { valueKind: 'address' }),
  ], { tables: ['nat'] }),
  target('TPROXY', true, 'Transparent proxy: delivers the packet to a local socket (the proxy) without changing its destination address, and marks it.', [
    one('on-port', 'port', 'The proxy\'s port (0: the packet\'s own destination port).', { valueKind: 'port' }),
    one('on-ip', 'address', 'The proxy\'s address (default: the incoming interface\'s).', { valueKind: 'address' }),
    one('tproxy-mark', 'value[/mask]', 'Mark set on the packet, for policy routing to the local host.', { valueKind: 'mark' }),
  ], { tables: MANGLE, hooks: ['PREROUTING'], protocols: ['tcp', 'udp'] }),
  target('TEE', false, 'Sends a copy of the packet to another host on the local network (a gateway); the original goes on.', [
    one('gateway', 'address', 'The host that receives the copy.', { valueKind: 'address' }),
    one('oif', 'interface', 'Sends the copy out by this interface.', { valueKind: 'interface' }),
  ]),
  target('NFQUEUE', true, 'Hands the packet to a userspace program through a netlink queue; the program gives the verdict.', [
    one('queue-num', 'n', 'Queue number (default 0).', { valueKind: 'number' }),
    one('queue-balance', 'from:to', 'Spreads connections over this range of queues.', { valueKind: 'range' }),
    flag('queue-bypass', 'Accepts the packet instead of dropping it when no program listens.'),
    flag('queue-cpu-fanout', 'Picks the queue by CPU within the --queue-balance range.'),
  ]),
  target('SYNPROXY', true, 'Answers TCP handshakes itself with SYN cookies and opens the connection to the server only once the client has proven itself (SYN-flood protection).', [
    one('mss', 'n', 'MSS to announce.', { valueKind: 'number' }),
    one('wscale', 'n', 'Window scale to announce.', { valueKind: 'number' }),
    flag('sack-perm', 'Announces selective acknowledgement.'),
    flag('timestamp', 'Announces timestamps.'),
    flag('ecn', 'Announces ECN.'),
  ], { hooks: ['INPUT', 'FORWARD'], protocols: ['tcp'] }),
];

const OBSERVING: TargetInfo[] = [
  target('NFLOG', false, 'Passes the packet to a userspace logger (ulogd, tcpdump -i nflog:N) over netlink, then goes on with the next rule.', [
    one('nflog-group', 'n', 'Netlink group (default 0).', { valueKind: 'number' }),
    one('nflog-prefix', 'text', 'Text sent with the packet.', { valueKind: 'text' }),
    one('nflog-range', 'bytes', 'Bytes to copy (never worked; use --nflog-size).', { valueKind: 'number' }),
    one('nflog-size', 'bytes', 'Bytes of the packet to copy.', { valueKind: 'number' }),
    one('nflog-threshold', 'n', 'Packets to queue before sending.', { valueKind: 'number' }),
  ]),
  target('AUDIT', false, 'Writes an audit record for the packet (for the Linux audit subsystem), then goes on.', [
    one('type', 'accept|drop|reject', 'The kind of record.', { values: ['accept', 'drop', 'reject'] }),
  ]),
  target('TRACE', false, 'Turns on rule tracing for this packet: every rule it meets in every table is logged (xtables-monitor --trace, or the kernel log on legacy).', [], { tables: ['raw'] }),
  target('IDLETIMER', false, 'Restarts a timer each time a packet passes; when it expires (no traffic), userspace is notified through sysfs.', [
    one('timeout', 'seconds', 'Idle time before the notification.', { valueKind: 'number' }),
    one('label', 'name', 'Name of the timer.'),
    flag('alarm', 'Uses an alarm timer that can wake the system.'),
  ]),
  target('RATEEST', false, 'Measures the rate of the packets that reach it into a named estimator, read by `-m rateest`.', [
    one('rateest-name', 'name', 'The estimator.'),
    one('rateest-interval', 'time', 'Measuring interval.'),
    one('rateest-ewmalog', 'time', 'Averaging time constant.'),
  ]),
  target('SET', false, 'Adds the packet\'s addresses or ports to an ipset set, or deletes them; --map-set reads marks and queues from a set (mangle table only).', [
    two('add-set', 'SET FLAGS', 'Adds the entry made of these fields (src/dst list) to the set.'),
    two('del-set', 'SET FLAGS', 'Deletes the entry from the set.'),
    two('map-set', 'SET FLAGS', 'Looks the entry up and copies its skbinfo (mark, priority, queue) to the packet; mangle table only.', { tables: ['mangle'] }),
    one('timeout', 'seconds', 'Timeout of the added entry.', { valueKind: 'number' }),
    flag('exist', 'Refreshes the timeout of an entry that already exists.'),
    flag('map-mark', 'Copies the mark.'), flag('map-prio', 'Copies the priority.'), flag('map-queue', 'Copies the queue.'),
  ]),
  target('LED', false, 'Blinks an LED trigger when packets pass (the LED trigger must be built into the kernel).', [
    one('led-trigger-id', 'name', 'Trigger name (netfilter-NAME).'),
    one('led-delay', 'ms|inf', 'How long the LED stays on.'),
    flag('led-always-blink', 'Blinks even if the LED is already on.'),
  ]),
  target('CLUSTERIP', false, 'Old IPv4 cluster load sharing: all nodes answer one shared address and each takes a share of the connections. Removed from recent kernels.', [
    flag('new', 'Creates the cluster address.'),
    one('hashmode', 'sourceip|sourceip-sourceport|sourceip-sourceport-destport', 'What the share is computed from.', { values: ['sourceip', 'sourceip-sourceport', 'sourceip-sourceport-destport'] }),
    one('clustermac', 'MAC', 'Multicast MAC shared by the nodes.'),
    one('total-nodes', 'n', 'Number of nodes.', { valueKind: 'number' }),
    one('local-node', 'n', 'This node\'s number.', { valueKind: 'number' }),
    one('hash-init', 'n', 'Hash seed.'),
  ], { families: ['ipv4'] }),
  target('ULOG', false, 'Old IPv4 userspace logging over netlink, replaced by NFLOG and removed from recent kernels.', [
    one('ulog-nlgroup', 'n', 'Netlink group.', { valueKind: 'number' }),
    one('ulog-prefix', 'text', 'Text sent with the packet.', { valueKind: 'text' }),
    one('ulog-cprange', 'bytes', 'Bytes to copy.', { valueKind: 'number' }),
    one('ulog-qthreshold', 'n', 'Packets to queue before sending.', { valueKind: 'number' }),
  ], { families: ['ipv4'] }),
];

/** Every target the table knows, standard verdicts first. */
export const TARGET_LIST: TargetInfo[] = [
  ...STANDARD, ...NAT, ...FILTERING, ...MARKING, ...RAW, ...HEADER_EDITS, ...MORE_MARKS, ...DELIVERY, ...OBSERVING,
];
