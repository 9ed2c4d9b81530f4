/**
 * Target extensions and the standard verdicts: what each does to the packet,
 * whether the packet's walk through the table ends there, its options, and the
 * tables and built-in chains where the kernel accepts it.
 */
import { flag, NEG, one, target } from './define';
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
  ], { hooks: ['INPUT', 'FORWARD', 'OUTPUT'] }),
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

/** Every target the table knows, standard verdicts first. */
export const TARGET_LIST: TargetInfo[] = [...STANDARD, ...NAT, ...FILTERING, ...MARKING, ...RAW];
