/**
 * Three-valued matching: does a rule's match hold for this packet at this
 * point of its walk? Yes, no, or maybe (the description does not say, or the
 * match depends on state the trace cannot know: rate limits, recent lists,
 * payload). `statistic --mode random` answers with its probability.
 */
import { findMatch, findOption } from '../knowledge';
import type { Match, Option } from '../model/types';
import {
  inPrefix, isLimitedBroadcast, isLoopback, isMulticast, isUnspecified, parseAddress, parsePrefix, type Address,
} from '../model/address';
import type { ConnState, Packet } from './packet';
import {
  DSCP_CLASSES, parseIcmpType, parseNumber, parseTcpFlags, parseValueMask, portNumber, protocolNumber, TOS_NAMES,
} from './names';
import { keyed } from '../model/keyed';

/** What the packet looks like to the matches of one rule, at one hook and table. */
export interface MatchEnv {
  /** The packet as it is now (after earlier rewrites). */
  pkt: Packet;
  hook: string;
  table: string;
  /** Input interface at this hook: '' when there is none (OUTPUT), null when unknown. */
  inIface: string | null;
  /** Output interface at this hook: '' when there is none yet (PREROUTING, INPUT), null when unknown. */
  outIface: string | null;
  /** The connection as the conntrack matches see it (INVALID in raw, before tracking). */
  ctState: ConnState;
  /** Whether a conntrack entry exists (false in raw, for INVALID and UNTRACKED). */
  ctExists: boolean;
  /** Addresses, ports and NAT status of the connection, for a NEW packet; null when unknown. */
  conn: {
    origSrc: Address; origDst: Address; origSport: number | null; origDport: number | null;
    replSrc: Address; replDst: Address; replSport: number | null; replDport: number | null;
    dnat: boolean; snat: boolean;
  } | null;
  /** The packet is being forwarded (FORWARD, or POSTROUTING of a packet that was not generated here). */
  forwarded: boolean;
  /** Whether an address is this host's: true, false, or null when unknown. */
  isLocal(a: Address): boolean | null;
}

export type MatchValue =
  | { kind: 'yes' }
  | { kind: 'no' }
  | { kind: 'maybe'; why: string }
  | { kind: 'random'; p: number };

const YES: MatchValue = { kind: 'yes' };
const NO: MatchValue = { kind: 'no' };
const maybe = (why: string): MatchValue => ({ kind: 'maybe', why });
const tri = (b: boolean | null, why: string): MatchValue => (b === null ? maybe(why) : b ? YES : NO);
const neg = (v: boolean | null, negated: boolean): boolean | null => (v === null ? null : v !== negated);

/** Matches whose answer depends on state or payload the trace cannot see. */
const UNKNOWABLE: Record<string, string> = keyed({
  limit: 'the rate limit still has tokens',
  hashlimit: 'the rate limit still has tokens',
  recent: 'the recent list holds this address as the rule asks',
  string: 'the payload contains the string',
  u32: 'the u32 test holds on the packet bytes',
  time: 'the time of day is in the window',
  quota: 'the quota is not used up',
  connlimit: 'the connection count is over the limit as asked',
  connbytes: 'the connection byte/packet count is in the range',
  nth: 'this is the nth packet',
  bpf: 'the BPF program accepts the packet',
  cgroup: 'the sending socket is in the cgroup',
  socket: 'a local socket owns the packet',
  rpfilter: 'the reverse path check passes',
  physdev: 'the bridge port matches',
  helper: 'the connection has this helper',
  rateest: 'the rate estimator condition holds',
  ecn: 'the ECN bits are as asked',
  tcpmss: 'the TCP MSS option is in the range',
  ipvs: 'the packet belongs to an IPVS connection as asked',
  realm: 'the route realm is as asked',
  devgroup: 'the device group is as asked',
  cpu: 'the packet is handled on this CPU',
  cluster: 'the cluster hash selects this node',
  osf: 'the passive OS fingerprint matches',
  condition: 'the condition is set',
  geoip: 'the address is in the country list',
  account: 'the accounting condition holds',
  l2tp: 'the L2TP header is as asked',
  nfacct: 'the accounting object counts it',
  conntrack_expect: 'the connection has expectations',
  'set-counters': 'the set counters are in range',
  ipcomp: 'the IPComp header is as asked',
  dccp: 'the DCCP header is as asked',
  eui64: 'the source address is derived from the MAC address',
  addrtype_limit: 'the address type on that interface is as asked',
});

function canonicalOption(module: string, name: string): string {
  const info = findMatch(module);
  if (!info) return name;
  return findOption(info, name)?.name ?? name;
}

function opts(m: Match): { name: string; o: Option }[] {
  return m.options.map((o) => ({ name: canonicalOption(m.module, o.name), o }));
}

/** `-i`/`-o` names: a trailing `+` matches every name with that prefix. */
export function interfaceMatches(pattern: string, iface: string): boolean {
  if (pattern.endsWith('+')) return iface.startsWith(pattern.slice(0, -1));
  return iface === pattern;
}

/** `PORT`, `A:B`, `A:`, `:B`; undefined when a name is unknown. */
function parsePortRange(text: string): [number, number] | undefined {
  const c = text.indexOf(':');
  if (c < 0) {
    const n = portNumber(text);
    return n === undefined ? undefined : [n, n];
  }
  const a = c === 0 ? 0 : portNumber(text.slice(0, c));
  const b = c === text.length - 1 ? 65535 : portNumber(text.slice(c + 1));
  if (a === undefined || b === undefined) return undefined;
  return [a, b];
}

function portIn(text: string, port: number | null, what: string): boolean | null | 'bad' {
  const r = parsePortRange(text);
  if (!r) return 'bad';
  if (port === null) return null;
  void what;
  return port >= r[0] && port <= r[1];
}

function portValue(p: Packet, dir: 'sport' | 'dport'): number | null {
  return p[dir];
}

/** `ADDR[/MASK]` or a host name (unknowable). */
function addressMatches(text: string, a: Address): boolean | null {
  const p = parsePrefix(text);
  if (!p) return null;
  return inPrefix(a, p);
}

/** `A-B` address ranges of iprange. */
function inRange(text: string, a: Address): boolean | null {
  const [x, y] = text.split('-');
  const lo = parseAddress(x);
  const hi = parseAddress(y ?? x);
  if (!lo || !hi || lo.family !== a.family) return null;
  return a.value >= lo.value && a.value <= hi.value;
}

/** The address type the routing table gives an address (LOCAL from `local`). */
function addressType(a: Address, env: MatchEnv): string | null {
  if (isUnspecified(a)) return 'UNSPEC';
  const local = env.isLocal(a);
  if (local === null) return null;
  if (local) return 'LOCAL';
  if (isMulticast(a)) return 'MULTICAST';
  if (isLimitedBroadcast(a)) return 'BROADCAST';
  return 'UNICAST';
}

function stateOf(env: MatchEnv): string {
  return env.ctState;
}

function conntrackOption(name: string, o: Option, env: MatchEnv): MatchValue {
  const pkt = env.pkt;
  const conn = env.conn;
  const list = (o.value ?? '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  switch (name) {
    case 'state':
    case 'ctstate': {
      const st = stateOf(env);
      const virtual = conn ? [conn.dnat ? 'DNAT' : '', conn.snat ? 'SNAT' : ''] : [];
      let hit = list.includes(st);
      if (!hit && (list.includes('DNAT') || list.includes('SNAT'))) {
        if (env.ctExists && !conn) return maybe(`the connection was ${list.includes('DNAT') ? 'DNAT' : 'SNAT'}ed`);
        hit = list.some((s) => virtual.includes(s));
      }
      return tri(hit !== o.negated, '');
    }
    case 'ctproto': {
      const n = protocolNumber(o.value ?? '');
      if (n === undefined) return maybe(`the connection protocol is ${o.value}`);
      return tri((n === 0 || n === pkt.protocol) !== o.negated, '');
    }
    case 'ctorigsrc': case 'ctorigdst': case 'ctreplsrc': case 'ctrepldst': {
      if (!conn) return maybe(`the connection's ${name.slice(2)} address is as asked`);
      const a = { ctorigsrc: conn.origSrc, ctorigdst: conn.origDst, ctreplsrc: conn.replSrc, ctrepldst: conn.replDst }[name];
      const r = addressMatches(o.value ?? '', a);
      return tri(neg(r, o.negated), `the connection's ${name.slice(2)} is ${o.value}`);
    }
    case 'ctorigsrcport': case 'ctorigdstport': case 'ctreplsrcport': case 'ctrepldstport': {
      if (!conn) return maybe(`the connection's ${name.slice(2)} is ${o.value}`);
      const port = { ctorigsrcport: conn.origSport, ctorigdstport: conn.origDport, ctreplsrcport: conn.replSport, ctrepldstport: conn.replDport }[name];
      const r = portIn(o.value ?? '', port, name);
      return r === 'bad' ? maybe(`the connection's ${name.slice(2)} is ${o.value}`) : tri(neg(r, o.negated), `the connection's ${name.slice(2)} is ${o.value}`);
    }
    case 'ctstatus': {
      if (env.ctState !== 'NEW') return maybe(`the connection status is ${o.value}`);
      // A NEW connection is unconfirmed, has seen no reply and is not assured.
      const set = new Set<string>();
      if (conn?.dnat) set.add('DNAT');
      if (conn?.snat) set.add('SNAT');
      const hit = list.some((s) => set.has(s));
      return tri(hit !== o.negated, '');
    }
    case 'ctdir': {
      if (env.ctState !== 'NEW') return maybe(`the packet goes in the ${o.value} direction`);
      return tri(((o.value ?? '').toUpperCase() === 'ORIGINAL') !== o.negated, '');
    }
    case 'ctexpire':
      return maybe(`the connection's remaining lifetime is ${o.value}`);
    default:
      return maybe(`conntrack --${name} ${o.value ?? ''} holds`);
  }
}

function conntrack(m: Match, env: MatchEnv): MatchValue[] {
  const os = opts(m);
  const stateOnly = os.every(({ name }) => name === 'ctstate' || name === 'state');
  // Without a conntrack entry only the state can match; every other option fails, negated or not.
  if (!env.ctExists && !stateOnly) return [NO];
  return os.map(({ name, o }) => conntrackOption(name, o, env));
}

function tcpFlags(o: Option, env: MatchEnv): MatchValue {
  const [maskText, compText] = o.values;
  const mask = parseTcpFlags(maskText ?? '');
  const comp = parseTcpFlags(compText ?? '');
  if (mask === undefined || comp === undefined) return maybe(`--tcp-flags ${o.value} holds`);
  if (env.pkt.flags === null) return maybe(`the TCP flags are ${o.value}`);
  return tri(((env.pkt.flags & mask) === comp) !== o.negated, '');
}

function portOption(name: string, o: Option, env: MatchEnv, proto: string): MatchValue {
  const dir = name === 'sport' ? 'sport' : 'dport';
  const r = portIn(o.value ?? '', portValue(env.pkt, dir), name);
  if (r === 'bad') return maybe(`${proto} --${name} ${o.value} holds`);
  return tri(neg(r, o.negated), `the ${dir === 'sport' ? 'source' : 'destination'} port is ${o.negated ? 'not ' : ''}${o.value}`);
}

function multiport(m: Match, env: MatchEnv): MatchValue[] {
  return opts(m).map(({ name, o }) => {
    const ranges = (o.value ?? '').split(',').map(parsePortRange);
    if (ranges.some((r) => !r)) return maybe(`multiport --${name} ${o.value} holds`);
    const hit = (port: number | null) => (port === null ? null : ranges.some((r) => port >= r![0] && port <= r![1]));
    let r: boolean | null;
    if (name === 'sports') r = hit(env.pkt.sport);
    else if (name === 'dports') r = hit(env.pkt.dport);
    else if (name === 'ports') {
      const a = hit(env.pkt.sport);
      const b = hit(env.pkt.dport);
      r = a === true || b === true ? true : a === null || b === null ? null : false;
    } else return maybe(`multiport --${name} ${o.value} holds`);
    return tri(neg(r, o.negated), `the ports are ${o.negated ? 'not ' : ''}in ${o.value}`);
  });
}

function icmp(m: Match, env: MatchEnv, v6: boolean): MatchValue[] {
  return opts(m).map(({ o }) => {
    const t = parseIcmpType(o.value ?? '', v6);
    if (!t) return maybe(`the ICMP type is ${o.value}`);
    if (t.type === -1) return tri(!o.negated, '');
    if (env.pkt.icmpType === null) return maybe(`the ICMP type is ${o.value}`);
    const code = env.pkt.icmpCode ?? 0;
    const hit = env.pkt.icmpType === t.type && code >= t.codeMin && code <= t.codeMax;
    return tri(hit !== o.negated, '');
  });
}

function markOption(o: Option, value: number): MatchValue {
  const vm = parseValueMask(o.value ?? '');
  if (!vm) return maybe(`the mark is ${o.value}`);
  return tri((((value & vm.mask) >>> 0) === vm.value) !== o.negated, '');
}

function tosValue(text: string): { value: number; mask: number } | undefined {
  const named = TOS_NAMES[text.toLowerCase()];
  if (named !== undefined) return { value: named, mask: 0x3f };
  const vm = parseValueMask(text, 8);
  return vm ? { value: vm.value & 0xff, mask: vm.mask & 0xff } : undefined;
}

function numRange(text: string): [number, number] | undefined {
  const [a, b] = text.split(':');
  const lo = a === '' ? 0 : parseNumber(a);
  const hi = b === undefined ? lo : b === '' ? 65535 : parseNumber(b);
  if (lo === undefined || hi === undefined) return undefined;
  return [lo, hi];
}

/** The hop limit / TTL the packet has at this hook (forwarding decrements it before FORWARD). */
function ttlAt(env: MatchEnv): number | null {
  const t = env.pkt.ttl;
  if (t === null) return null;
  return env.forwarded ? Math.max(0, t - 1) : t;
}

function owner(m: Match, env: MatchEnv): MatchValue[] {
  const os = opts(m);
  const hasSocket = env.pkt.fromLocal && (env.hook === 'OUTPUT' || env.hook === 'POSTROUTING');
  if (!hasSocket) {
    // No socket: the kernel says yes only when every given test is negated.
    return [tri(os.every(({ o }) => o.negated), '')];
  }
  return os.map(({ name, o }) => {
    if (name === 'socket-exists') return tri(!o.negated, '');
    if (name === 'uid-owner' || name === 'gid-owner') {
      const have = name === 'uid-owner' ? env.pkt.uid : env.pkt.gid;
      const r = numRange((o.value ?? '').replace('-', ':'));
      if (!r || have === null) return maybe(`the socket's ${name === 'uid-owner' ? 'user' : 'group'} is ${o.negated ? 'not ' : ''}${o.value}`);
      return tri((have >= r[0] && have <= r[1]) !== o.negated, '');
    }
    if (name === 'suppl-groups') return YES;
    return maybe(`owner --${name} ${o.value ?? ''} holds`);
  });
}

function setMatch(m: Match, env: MatchEnv): MatchValue[] {
  return opts(m).map(({ name, o }) => {
    if (name !== 'match-set') return YES; // --return-nomatch, --update-counters and friends change no answer here.
    const setName = o.values[0] ?? '';
    const sets = env.pkt.sets;
    if (sets === null) return maybe(`the packet is ${o.negated ? 'not ' : ''}in set ${setName}`);
    return tri(sets.includes(setName) !== o.negated, '');
  });
}

/**
 * Evaluates one match. Returns one value per test in it (a match with
 * several options is several tests that must all hold).
 */
export function evalMatch(m: Match, env: MatchEnv): MatchValue[] {
  const pkt = env.pkt;
  const first = m.options[0];
  const text = `${m.text}`.trim();
  switch (m.module) {
    case 'source':
    case 'destination': {
      const a = m.module === 'source' ? pkt.src : pkt.dst;
      const r = addressMatches(first?.value ?? '', a);
      return [tri(neg(r, m.negated), `${first?.value} resolves to the ${m.module} address`)];
    }
    case 'protocol': {
      const n = protocolNumber(first?.value ?? '');
      if (n === undefined) return [maybe(`the protocol is ${first?.value}`)];
      return [tri((n === 0 || n === pkt.protocol) !== m.negated, '')];
    }
    case 'in-interface':
    case 'out-interface': {
      const iface = m.module === 'in-interface' ? env.inIface : env.outIface;
      const pattern = first?.value ?? '';
      if (iface === null) return [maybe(`the packet ${m.module === 'in-interface' ? 'came in on' : 'goes out on'} ${m.negated ? 'an interface other than ' : ''}${pattern}`)];
      return [tri(interfaceMatches(pattern, iface) !== m.negated, '')];
    }
    case 'fragment':
      // Described packets are whole (first fragments at most).
      return [tri(m.negated, '')];
    case 'comment':
      return [YES];
    case 'tcp':
    case 'udp':
    case 'udplite':
    case 'sctp':
      return opts(m).map(({ name, o }) => {
        if (name === 'sport' || name === 'dport') return portOption(name, o, env, m.module);
        if (name === 'tcp-flags') return tcpFlags(o, env);
        if (name === 'syn') {
          if (pkt.flags === null) return maybe('the packet is a SYN');
          return tri(((pkt.flags & 0x17) === 0x02) !== o.negated, '');
        }
        return maybe(`${m.module} --${name} ${o.value ?? ''} holds`.trim());
      });
    case 'multiport':
      return multiport(m, env);
    case 'icmp':
      return icmp(m, env, false);
    case 'icmp6':
    case 'icmpv6':
      return icmp(m, env, true);
    case 'conntrack':
      return conntrack(m, env);
    case 'state':
      return conntrack(m, env);
    case 'mark':
      return opts(m).map(({ o }) => markOption(o, pkt.mark));
    case 'connmark':
      if (!env.ctExists) return [NO];
      return opts(m).map(({ o }) => markOption(o, pkt.ctmark));
    case 'addrtype':
      return opts(m).map(({ name, o }) => {
        if (name === 'limit-iface-in' || name === 'limit-iface-out') return YES;
        if (name !== 'src-type' && name !== 'dst-type') return maybe(`addrtype --${name} holds`);
        const a = name === 'src-type' ? pkt.src : pkt.dst;
        const t = addressType(a, env);
        const types = (o.value ?? '').toUpperCase().split(',');
        if (t === null) return maybe(`the ${name === 'src-type' ? 'source' : 'destination'} address type is ${o.negated ? 'not ' : ''}${o.value}`);
        return tri(types.includes(t) !== o.negated, '');
      });
    case 'iprange':
      return opts(m).map(({ name, o }) => {
        const a = name === 'src-range' ? pkt.src : name === 'dst-range' ? pkt.dst : null;
        if (!a) return maybe(`iprange --${name} holds`);
        return tri(neg(inRange(o.value ?? '', a), o.negated), `the address is in ${o.value}`);
      });
    case 'pkttype':
      return opts(m).map(({ o }) => {
        const want = (o.value ?? '').toLowerCase();
        const have = isMulticast(pkt.dst) ? 'multicast' : isLimitedBroadcast(pkt.dst) ? 'broadcast' : 'unicast';
        if (want === 'host') return tri((have === 'unicast') !== o.negated, '');
        return tri((want === have) !== o.negated, '');
      });
    case 'length':
      return opts(m).map(({ o }) => {
        const r = numRange(o.value ?? '');
        if (!r || pkt.len === null) return maybe(`the packet length is ${o.negated ? 'not ' : ''}${o.value}`);
        return tri((pkt.len >= r[0] && pkt.len <= r[1]) !== o.negated, '');
      });
    case 'ttl':
    case 'hl':
      return opts(m).map(({ name, o }) => {
        const t = ttlAt(env);
        const n = parseNumber(o.value ?? '');
        if (t === null || n === undefined) return maybe(`the ${m.module === 'hl' ? 'hop limit' : 'TTL'} is as asked (${name} ${o.value})`);
        const r = name.endsWith('-eq') ? t === n : name.endsWith('-lt') ? t < n : name.endsWith('-gt') ? t > n : null;
        return tri(neg(r, o.negated), `${name} ${o.value}`);
      });
    case 'tos':
      return opts(m).map(({ o }) => {
        const vm = tosValue(o.value ?? '');
        if (!vm || pkt.tos === null) return maybe(`the TOS is ${o.negated ? 'not ' : ''}${o.value}`);
        return tri(((pkt.tos & vm.mask) === vm.value) !== o.negated, '');
      });
    case 'dscp':
      return opts(m).map(({ name, o }) => {
        const n = name === 'dscp-class' ? DSCP_CLASSES[(o.value ?? '').toUpperCase()] : parseNumber(o.value ?? '');
        if (n === undefined || pkt.tos === null) return maybe(`the DSCP is ${o.negated ? 'not ' : ''}${o.value}`);
        return tri(((pkt.tos >> 2) === n) !== o.negated, '');
      });
    case 'owner':
      return owner(m, env);
    case 'set':
      return setMatch(m, env);
    case 'mac':
      return opts(m).map(({ o }) => {
        if (env.hook === 'OUTPUT' || env.hook === 'POSTROUTING') return NO;
        if (pkt.mac === null) return maybe(`the source MAC is ${o.negated ? 'not ' : ''}${o.value}`);
        return tri((pkt.mac === (o.value ?? '').toLowerCase()) !== o.negated, '');
      });
    case 'statistic': {
      const os = opts(m);
      const mode = os.find((x) => x.name === 'mode')?.o.value;
      const prob = os.find((x) => x.name === 'probability');
      if (mode === 'random' && prob) {
        const p = Number(prob.o.value);
        if (Number.isFinite(p)) return [{ kind: 'random', p: prob.o.negated ? 1 - p : p }];
      }
      return [maybe(`${text} selects this packet`)];
    }
    case 'frag':
    case 'hbh':
    case 'dst':
    case 'rt':
    case 'mh':
    case 'ah':
    case 'esp':
      // These look for a header the described packet does not carry (no IPv6
      // extension headers, no IPsec); without it the kernel answers no, even
      // for negated options.
      return [NO];
    case 'ipv6header':
      return [maybe(`${text} matches (the packet's extension headers)`)];
        case 'policy': {
      // Described packets carry no IPsec: `--pol none` holds, `--pol ipsec` does not.
      const pol = opts(m).find((x) => x.name === 'pol');
      if (pol) return [tri((pol.o.value === 'none') !== pol.o.negated, '')];
      return [maybe(`${text} holds`)];
    }
    case 'devgroup':
    case 'realm':
    default: {
      const why = UNKNOWABLE[m.module];
      return [maybe(`${text} matches${why ? ` (${why})` : m.module in UNKNOWABLE ? '' : ' (not modelled)'}`)];
    }
  }
}

/** Whether a described address is an IPv4/IPv6 loopback (always local). */
export { isLoopback };
