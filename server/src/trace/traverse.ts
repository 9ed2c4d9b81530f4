/**
 * The netfilter traversal: hooks and tables in the kernel's priority order,
 * the routing decision, chain calls (`-j` pushes a return point, `-g` does
 * not), policies, NAT only for a connection's first packet, and every rewrite
 * later rules see. A rule that may or may not match forks the walk into two
 * branches, each labelled with what it assumed. Iterative throughout: no
 * recursion, so chains nested ten thousand deep are fine.
 */
import { findTarget } from '../knowledge';
import type { Chain, Rule, Ruleset, Table } from '../model/types';
import type { TraceBranch, TraceStep, TraceVerdict } from '../protocol';
import { formatAddress, isLoopback, parseAddress, parsePrefix, type Address } from '../model/address';
import { SaveRule } from '../model/saveRule';
import { ruleLine } from '../model/span';
import { evalMatch, type MatchEnv, type MatchValue } from './match';
import { hex, parseNumber, parseValueMask, portNumber, TOS_NAMES, DSCP_CLASSES } from './names';
import { formatEndpoint, packetToJson, type ConnState, type Packet } from './packet';
import { keyed } from '../model/keyed';

/** Tables of each hook in the kernel's priority order. */
export const HOOK_TABLES: Record<string, readonly string[]> = keyed({
  PREROUTING: ['raw', 'mangle', 'nat'],
  INPUT: ['mangle', 'filter', 'security', 'nat'],
  FORWARD: ['mangle', 'filter', 'security'],
  OUTPUT: ['raw', 'mangle', 'nat', 'filter', 'security'],
  POSTROUTING: ['mangle', 'nat'],
});

export interface TraverseOptions {
  /** Most branches to follow to the end; the rest are counted as omitted. Default 64. */
  branchLimit?: number;
  /** Most rules one branch may evaluate before the walk is called a loop. Default 1,000,000. */
  maxSteps?: number;
}

interface Frame {
  chain: Chain;
  /** 0-based index of the next rule to evaluate. */
  next: number;
  /** Chains this frame left by `-g` to reach `chain`: still on the call path, as a goto back to one of them loops. */
  via?: readonly Chain[];
}

interface Walk {
  table: Table;
  hook: string;
  /** Return points pushed by `-j`. */
  stack: Frame[];
  cur: Frame;
  /** Chains on the call path (for loop detection). */
  active: Map<Chain, number>;
}

interface Conn {
  origSrc: Address;
  origDst: Address;
  origSport: number | null;
  origDport: number | null;
  dnat: boolean;
  snat: boolean;
  dstNatDone: boolean;
  srcNatDone: boolean;
}

/** A run of rules that did not match: the first rule's step, and how far the run reaches. */
interface Misses {
  first: TraceStep;
  lastRule: number;
  lastLine: number;
}

/** One branch of the walk while it runs. */
interface Branch {
  pkt: Packet;
  conn: Conn;
  /** Conntrack has seen the packet (after raw). */
  tracked: boolean;
  /** Locally generated packet to a local address: it loops back through lo. */
  toLo: boolean;
  viaLo: boolean;
  extraLocal: Address[];
  hook: string;
  tableIdx: number;
  walk: Walk | null;
  probability: number;
  assumptions: string[];
  facts: Map<string, boolean>;
  steps: TraceStep[];
  /**
   * The run of plain no-match steps still being extended, not yet in
   * `steps`: forked branches share step objects, so a run grows here, in
   * state each branch has its own copy of, and goes into `steps` as one
   * step when anything else happens (see `closeMisses`).
   */
  misses: Misses | null;
  route?: string;
  /** Set by MASQUERADE: the source becomes an interface's address, which the trace does not know. */
  masquerade?: string;
  verdict?: TraceVerdict;
  error?: string;
  evaluated: number;
}

export interface TraverseResult {
  branches: (TraceBranch & { route?: string })[];
  omittedBranches: number;
}

function clone(b: Branch): Branch {
  const walk = b.walk && {
    table: b.walk.table, hook: b.walk.hook,
    stack: b.walk.stack.map((f) => ({ ...f })), cur: { ...b.walk.cur }, active: new Map(b.walk.active),
  };
  return {
    ...b, pkt: { ...b.pkt }, conn: { ...b.conn }, extraLocal: [...b.extraLocal], walk,
    assumptions: [...b.assumptions], facts: new Map(b.facts), steps: [...b.steps], misses: b.misses && { ...b.misses },
  };
}

/** The last block of each table wins, as iptables-restore flushes a table at each `*table`. */
function tablesByName(ruleset: Ruleset): Map<string, Table> {
  const m = new Map<string, Table>();
  for (const t of ruleset.tables) m.set(t.name, t);
  return m;
}

function sameAddress(a: Address, b: Address): boolean {
  return a.family === b.family && a.value === b.value;
}

/** Whether an address is this host's (see the README: how `local` defaults). */
function isLocal(b: Branch, initial: Packet, a: Address): boolean {
  if (isLoopback(a)) return true;
  if (b.extraLocal.some((x) => sameAddress(x, a))) return true;
  if (initial.local) return initial.local.some((x) => sameAddress(x, a));
  if (initial.fromLocal) return sameAddress(a, initial.src);
  // Without `local`: a packet given no output interface was addressed to this host.
  return initial.out === null && sameAddress(a, initial.dst);
}

function interfacesAt(b: Branch, hook: string): { inIface: string | null; outIface: string | null } {
  const p = b.pkt;
  const inDev = b.viaLo ? 'lo' : p.fromLocal ? '' : p.in;
  const outDev = b.toLo ? 'lo' : p.out;
  switch (hook) {
    case 'PREROUTING':
    case 'INPUT': return { inIface: inDev, outIface: '' };
    case 'FORWARD': return { inIface: inDev, outIface: outDev };
    case 'OUTPUT': return { inIface: '', outIface: outDev };
    // POSTROUTING has no input device, not even for forwarded packets.
    default: return { inIface: '', outIface: outDev };
  }
}

function envFor(b: Branch, initial: Packet, walk: Walk): MatchEnv {
  const state = b.pkt.state;
  const ctExists = b.tracked && state !== 'INVALID' && state !== 'UNTRACKED';
  const ctState: ConnState = !b.tracked && state !== 'UNTRACKED' ? 'INVALID' : state;
  const c = b.conn;
  const conn = ctExists && state === 'NEW' ? {
    origSrc: c.origSrc, origDst: c.origDst, origSport: c.origSport, origDport: c.origDport,
    replSrc: b.pkt.dst, replDst: b.pkt.src, replSport: b.pkt.dport, replDport: b.pkt.sport,
    dnat: c.dnat, snat: c.snat,
  } : null;
  return {
    pkt: b.pkt, hook: walk.hook, table: walk.table.name, ...interfacesAt(b, walk.hook),
    ctState, ctExists, conn, isLocal: (a) => isLocal(b, initial, a),
    forwarded: walk.hook === 'FORWARD' || (walk.hook === 'POSTROUTING' && !b.pkt.fromLocal),
  };
}

function opt(rule: Rule, ...names: string[]): string | undefined {
  const o = rule.target?.options.find((x) => names.includes(x.name));
  return o ? (o.value ?? '') : undefined;
}

function hasOpt(rule: Rule, name: string): boolean {
  return !!rule.target?.options.some((x) => x.name === name);
}

function markNote(what: string, value: number, mask: number, xor: boolean): string {
  if (mask === 0 && !xor) return `${what} |= ${hex(value)}`;
  if (xor && mask === value) return `${what} |= ${hex(value)}`;
  if (value === 0) return `${what} &= ~${hex(mask)}`;
  if (mask === 0xffffffff) return `${what} = ${hex(value)}`;
  if (xor && mask === 0) return `${what} ^= ${hex(value)}`;
  return `${what} = (${what} & ~${hex(mask)}) ${xor ? '^' : '|'} ${hex(value)}`;
}

/** Applies MARK/CONNMARK-style options to a value; returns the new value and a note, or undefined when not understood. */
function markOp(rule: Rule, current: number, what: string): { value: number; note: string } | undefined {
  const t = rule.target!;
  for (const o of t.options) {
    const vm = parseValueMask(o.value ?? '');
    switch (o.name) {
      case 'set-xmark':
        if (!vm) return undefined;
        return { value: ((current & ~vm.mask) ^ vm.value) >>> 0, note: markNote(what, vm.value, vm.mask, true) };
      case 'set-mark':
        if (!vm) return undefined;
        return { value: ((current & ~vm.mask) | vm.value) >>> 0, note: markNote(what, vm.value, vm.mask, false) };
      case 'and-mark':
        if (!vm) return undefined;
        return { value: (current & vm.value) >>> 0, note: `${what} &= ${hex(vm.value)}` };
      case 'or-mark':
        if (!vm) return undefined;
        return { value: (current | vm.value) >>> 0, note: `${what} |= ${hex(vm.value)}` };
      case 'xor-mark':
        if (!vm) return undefined;
        return { value: (current ^ vm.value) >>> 0, note: `${what} ^= ${hex(vm.value)}` };
    }
  }
  return undefined;
}

/** Reads a NAT range `ADDR[-ADDR][:PORT[-PORT]]` (IPv6 in brackets when a port follows). */
function natRange(text: string): { addr: Address | null; last: Address | null; port: [number, number] | null } | undefined {
  let addrPart = text;
  let portPart: string | null = null;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    addrPart = text.slice(1, close);
    portPart = text.slice(close + 1).startsWith(':') ? text.slice(close + 2) : null;
  } else if ((text.match(/:/g) ?? []).length === 1) {
    const c = text.indexOf(':');
    addrPart = text.slice(0, c);
    portPart = text.slice(c + 1);
  }
  let addr: Address | null = null;
  let last: Address | null = null;
  if (addrPart) {
    const [a, z] = addrPart.split('-');
    const pa = parseAddress(a);
    if (!pa) return undefined;
    addr = pa;
    last = z ? parseAddress(z) ?? null : null;
  }
  let port: [number, number] | null = null;
  if (portPart) {
    const [a, z] = portPart.split('-');
    const pa = portNumber(a);
    const pz = z ? portNumber(z) : pa;
    if (pa === undefined || pz === undefined) return undefined;
    port = [pa, pz];
  }
  return { addr, last, port };
}

type Outcome =
  | { kind: 'continue' }
  | { kind: 'accept' }
  | { kind: 'verdict'; verdict: TraceVerdict }
  | { kind: 'jump'; chain: Chain }
  | { kind: 'goto'; chain: Chain }
  | { kind: 'return' }
  | { kind: 'error'; message: string };

/**
 * What a matching rule's target does: the outcome, the action word for the
 * step, and the rewrite it makes (applied to the branch here).
 */
function applyTarget(b: Branch, initial: Packet, rule: Rule, walk: Walk): { outcome: Outcome; action: string; note?: string; rewrite?: Record<string, string | number> } {
  const t = rule.target;
  if (!t) return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: 'no target: only counts' };
  const table = walk.table;
  if (t.kind === 'jump' || t.kind === 'goto') {
    const chain = table.chainsByName.get(t.name);
    if (!chain) return { outcome: { kind: 'error', message: `chain ${t.name} does not exist in table ${table.name}` }, action: `${t.goto ? 'GOTO' : 'JUMP'}:${t.name}` };
    if (t.goto) return { outcome: { kind: 'goto', chain }, action: `GOTO:${t.name}`, note: `goto ${t.name}` };
    return { outcome: { kind: 'jump', chain }, action: `JUMP:${t.name}`, note: `→ ${t.name}` };
  }
  const p = b.pkt;
  switch (t.name) {
    case 'ACCEPT': return { outcome: { kind: 'accept' }, action: 'ACCEPT' };
    case 'DROP': return { outcome: { kind: 'verdict', verdict: 'DROP' }, action: 'DROP' };
    case 'RETURN': return { outcome: { kind: 'return' }, action: 'RETURN' };
    case 'REJECT': {
      const w = opt(rule, 'reject-with');
      return { outcome: { kind: 'verdict', verdict: 'REJECT' }, action: 'REJECT', note: w ? `reply ${w}` : undefined };
    }
    case 'QUEUE': return { outcome: { kind: 'verdict', verdict: 'QUEUE' }, action: 'QUEUE' };
    case 'NFQUEUE': {
      const n = opt(rule, 'queue-num', 'queue-balance');
      return { outcome: { kind: 'verdict', verdict: 'NFQUEUE' }, action: 'NFQUEUE', note: n ? `queue ${n}` : undefined };
    }
    case 'MARK': {
      const r = markOp(rule, p.mark, 'mark');
      if (!r) return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: 'MARK options not understood; mark unchanged' };
      p.mark = r.value;
      return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: r.note, rewrite: { mark: hex(r.value) } };
    }
    case 'CONNMARK': {
      if (!b.tracked || p.state === 'INVALID' || p.state === 'UNTRACKED') {
        return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: 'no connection: CONNMARK does nothing' };
      }
      const all = 0xffffffff;
      const num = (names: string[], dflt: number) => {
        const v = opt(rule, ...names);
        return v === undefined ? dflt : (parseNumber(v) ?? dflt) >>> 0;
      };
      if (hasOpt(rule, 'save-mark')) {
        const mask = num(['mask'], all);
        const nf = num(['nfmask'], mask);
        const ct = num(['ctmask'], mask);
        p.ctmark = ((p.ctmark & ~ct) ^ (p.mark & nf)) >>> 0;
        return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: `ctmark ← mark (${hex(p.ctmark)})`, rewrite: { ctmark: hex(p.ctmark) } };
      }
      if (hasOpt(rule, 'restore-mark')) {
        const mask = num(['mask'], all);
        const nf = num(['nfmask'], mask);
        const ct = num(['ctmask'], mask);
        p.mark = ((p.mark & ~nf) ^ (p.ctmark & ct)) >>> 0;
        return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: `mark ← ctmark (${hex(p.mark)})`, rewrite: { mark: hex(p.mark) } };
      }
      const r = markOp(rule, p.ctmark, 'ctmark');
      if (!r) return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: 'CONNMARK options not understood; ctmark unchanged' };
      p.ctmark = r.value;
      return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: r.note, rewrite: { ctmark: hex(r.value) } };
    }
    case 'NOTRACK':
      p.state = 'UNTRACKED';
      return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: 'untracked from here on', rewrite: { state: 'UNTRACKED' } };
    case 'CT':
      if (hasOpt(rule, 'notrack')) {
        p.state = 'UNTRACKED';
        return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: 'untracked from here on', rewrite: { state: 'UNTRACKED' } };
      }
      return { outcome: { kind: 'continue' }, action: 'CONTINUE' };
    case 'DNAT':
    case 'REDIRECT':
    case 'SNAT':
    case 'MASQUERADE':
    case 'NETMAP':
      return nat(b, initial, rule, walk);
    case 'TOS': {
      const v = opt(rule, 'set-tos', 'and-tos', 'or-tos', 'xor-tos');
      const cur = p.tos ?? 0;
      let next: number | undefined;
      const o = rule.target!.options[0];
      if (v !== undefined && o) {
        const named = TOS_NAMES[v.toLowerCase()];
        const vm = named !== undefined ? { value: named, mask: 0xff } : parseValueMask(v, 8);
        if (vm) {
          if (o.name === 'set-tos') next = ((cur & ~vm.mask) ^ vm.value) & 0xff;
          else if (o.name === 'and-tos') next = cur & vm.value;
          else if (o.name === 'or-tos') next = cur | vm.value;
          else if (o.name === 'xor-tos') next = cur ^ vm.value;
        }
      }
      if (next === undefined || p.tos === null && o?.name !== 'set-tos') {
        return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: 'TOS changed to a value the trace cannot work out' };
      }
      p.tos = next;
      return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: `tos = ${hex(next)}`, rewrite: { tos: hex(next) } };
    }
    case 'DSCP': {
      const v = opt(rule, 'set-dscp');
      const c = opt(rule, 'set-dscp-class');
      const d = v !== undefined ? parseNumber(v) : c !== undefined ? DSCP_CLASSES[c.toUpperCase()] : undefined;
      if (d === undefined) return { outcome: { kind: 'continue' }, action: 'CONTINUE' };
      p.tos = ((p.tos ?? 0) & 0x03) | (d << 2);
      return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: `dscp = ${hex(d)}`, rewrite: { tos: hex(p.tos) } };
    }
    case 'TTL':
    case 'HL': {
      const pre = t.name === 'TTL' ? 'ttl' : 'hl';
      const set = opt(rule, `${pre}-set`);
      const dec = opt(rule, `${pre}-dec`);
      const inc = opt(rule, `${pre}-inc`);
      if (set !== undefined) p.ttl = Number(set);
      else if (p.ttl === null) return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: `${pre} changed from an unknown value` };
      else if (dec !== undefined) p.ttl = Math.max(0, p.ttl - Number(dec));
      else if (inc !== undefined) p.ttl = Math.min(255, p.ttl + Number(inc));
      return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: `${pre} = ${p.ttl}`, rewrite: { ttl: p.ttl } };
    }
    case 'SYNPROXY':
      return { outcome: { kind: 'verdict', verdict: 'STOLEN' }, action: 'STOLEN', note: 'SYNPROXY answers the handshake itself' };
    case 'TPROXY':
      return { outcome: { kind: 'accept' }, action: 'ACCEPT', note: 'TPROXY hands the packet to a local socket (if one listens)' };
    case 'LOG': case 'NFLOG': case 'ULOG': case 'TRACE': case 'AUDIT': case 'SET': case 'CLASSIFY': case 'CHECKSUM':
    case 'TCPMSS': case 'ECN': case 'SECMARK': case 'CONNSECMARK': case 'IDLETIMER': case 'LED': case 'RATEEST':
    case 'TEE': case 'TCPOPTSTRIP': case 'CLUSTERIP': case 'HMARK': case 'IPV4OPTSSTRIP':
      return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: t.name === 'HMARK' ? 'mark set from a hash (unknown)' : t.name };
  }
  const info = findTarget(t.name);
  if (info?.terminating) {
    return { outcome: { kind: 'verdict', verdict: 'STOLEN' }, action: t.name, note: `${t.name} ends the packet's walk (not modelled further)` };
  }
  return { outcome: { kind: 'continue' }, action: 'CONTINUE', note: `${t.name} is not modelled; the walk continues` };
}

function nat(b: Branch, initial: Packet, rule: Rule, walk: Walk): { outcome: Outcome; action: string; note?: string; rewrite?: Record<string, string | number> } {
  const t = rule.target!;
  const p = b.pkt;
  const accept: Outcome = { kind: 'accept' };
  const portIn = (port: number | null, r: [number, number]) => (port !== null && port >= r[0] && port <= r[1] ? port : r[0]);
  switch (t.name) {
    case 'DNAT': {
      const r = natRange(opt(rule, 'to-destination') ?? '');
      if (!r) return { outcome: accept, action: 'DNAT', note: 'DNAT to an address the trace cannot read' };
      if (r.addr) p.dst = r.addr;
      if (r.port) p.dport = portIn(p.dport, r.port);
      b.conn.dnat = true;
      const range = r.last ? ` (first of ${formatAddress(r.addr!)}-${formatAddress(r.last)})` : '';
      return { outcome: accept, action: 'DNAT', note: `DNAT → ${formatEndpoint(p.dst, p.dport)}${range}`, rewrite: { dst: formatAddress(p.dst), ...(p.dport !== null ? { dport: p.dport } : {}) } };
    }
    case 'REDIRECT': {
      const ports = opt(rule, 'to-ports');
      const r = ports ? natRange(':' + ports) : undefined;
      let to: Address;
      if (walk.hook === 'OUTPUT') to = p.family === 'ipv4' ? parseAddress('127.0.0.1')! : parseAddress('::1')!;
      else {
        const mine = initial.local?.find((a) => a.family === p.family);
        to = mine ?? initial.dst;
      }
      p.dst = to;
      b.extraLocal.push(to);
      if (r?.port) p.dport = portIn(p.dport, r.port);
      b.conn.dnat = true;
      return { outcome: accept, action: 'REDIRECT', note: `REDIRECT → ${formatEndpoint(p.dst, p.dport)} (this host)`, rewrite: { dst: formatAddress(p.dst), ...(p.dport !== null ? { dport: p.dport } : {}) } };
    }
    case 'SNAT': {
      const r = natRange(opt(rule, 'to-source') ?? '');
      if (!r) return { outcome: accept, action: 'SNAT', note: 'SNAT to an address the trace cannot read' };
      if (r.addr) p.src = r.addr;
      if (r.port) p.sport = portIn(p.sport, r.port);
      b.conn.snat = true;
      return { outcome: accept, action: 'SNAT', note: `SNAT → ${formatEndpoint(p.src, p.sport)}`, rewrite: { src: formatAddress(p.src), ...(p.sport !== null ? { sport: p.sport } : {}) } };
    }
    case 'MASQUERADE': {
      b.conn.snat = true;
      const out = interfacesAt(b, walk.hook).outIface;
      const ports = opt(rule, 'to-ports');
      const r = ports ? natRange(':' + ports) : undefined;
      if (r?.port) p.sport = portIn(p.sport, r.port);
      b.masquerade = `address of ${out || 'the output interface'}`;
      return { outcome: accept, action: 'MASQUERADE', note: `MASQUERADE → source becomes the address of ${out || 'the output interface'}`, rewrite: { src: `address of ${out || 'the output interface'}` } };
    }
    case 'NETMAP': {
      const to = parsePrefix(opt(rule, 'to') ?? '');
      if (!to || to.family !== p.family) return { outcome: accept, action: 'NETMAP', note: 'NETMAP to a prefix the trace cannot read' };
      const dst = walk.hook === 'PREROUTING' || walk.hook === 'OUTPUT';
      const a = dst ? p.dst : p.src;
      const mapped: Address = { family: a.family, value: (a.value & ~to.mask) | to.value };
      if (dst) { p.dst = mapped; b.conn.dnat = true; } else { p.src = mapped; b.conn.snat = true; }
      return { outcome: accept, action: 'NETMAP', note: `NETMAP → ${dst ? 'destination' : 'source'} ${formatAddress(mapped)}`, rewrite: { [dst ? 'dst' : 'src']: formatAddress(mapped) } };
    }
  }
  return { outcome: accept, action: t.name };
}

/**
 * Puts a branch's open run of misses into its steps: a run of one rule as
 * the plain step it is, a longer one as a new step with `lastRule` and
 * `lastLine` (the first step may be shared with a forked branch, so it is
 * never changed).
 */
function closeMisses(b: Branch): void {
  const m = b.misses;
  if (!m) return;
  b.misses = null;
  const s = m.first;
  if (m.lastRule === s.rule) b.steps.push(s);
  else {
    b.steps.push({
      hook: s.hook, table: s.table, chain: s.chain, rule: s.rule, line: s.line, lastRule: m.lastRule, lastLine: m.lastLine,
      result: s.result, action: s.action,
    });
  }
}

/** The plain words of a maybe's assumption, either way. */
function assumptionText(why: string, holds: boolean): string {
  return holds ? `assuming ${why}` : `assuming not: ${why}`;
}

/**
 * Traces a packet through a ruleset. Every branch ends with a verdict; a
 * branch whose walk cannot go on (missing chain, loop) ends with ERROR.
 */
export function traverse(ruleset: Ruleset, initial: Packet, options: TraverseOptions = {}): TraverseResult {
  const limit = Math.max(1, options.branchLimit ?? 64);
  const maxSteps = options.maxSteps ?? 1_000_000;
  const tables = tablesByName(ruleset);
  const start: Branch = {
    pkt: { ...initial },
    conn: {
      origSrc: initial.src, origDst: initial.dst, origSport: initial.sport, origDport: initial.dport,
      dnat: false, snat: false, dstNatDone: false, srcNatDone: false,
    },
    tracked: false, toLo: false, viaLo: false, extraLocal: [],
    hook: initial.fromLocal ? 'OUTPUT' : 'PREROUTING', tableIdx: 0, walk: null,
    probability: 1, assumptions: [], facts: new Map(), steps: [], misses: null, evaluated: 0,
  };
  const pending: Branch[] = [start];
  const done: Branch[] = [];
  let omitted = 0;

  const fork = (b: Branch): Branch | null => {
    if (done.length + pending.length + 2 > limit) {
      omitted++;
      return null;
    }
    const c = clone(b);
    return c;
  };

  while (pending.length) {
    const b = pending.pop()!;
    run(b);
    closeMisses(b);
    done.push(b);
  }

  function finish(b: Branch, verdict: TraceVerdict, error?: string): void {
    b.verdict = verdict;
    if (error) b.error = error;
  }

  /** Moves to the next table of the hook, or the next hook; false when the packet has left. */
  function nextTable(b: Branch): boolean {
    for (;;) {
      const list = HOOK_TABLES[b.hook];
      if (b.tableIdx >= list.length) {
        if (!nextHook(b)) return false;
        continue;
      }
      const name = list[b.tableIdx++];
      // Conntrack runs between raw and mangle on the way in and out.
      if (name !== 'raw' && (b.hook === 'PREROUTING' || b.hook === 'OUTPUT')) b.tracked = true;
      const table = tables.get(name);
      if (!table) continue;
      const chain = table.chainsByName.get(b.hook);
      if (name === 'nat') {
        const st = b.pkt.state;
        const dstSide = b.hook === 'PREROUTING' || b.hook === 'OUTPUT';
        if (st !== 'NEW') {
          pushStep(b, {
            hook: b.hook, table: 'nat', chain: b.hook, rule: null, line: chain?.declSpan ? chain.declSpan.line + 1 : null,
            result: 'skipped', action: 'CONTINUE',
            note: `nat is consulted only for the first packet of a connection; this packet is ${st}`,
          });
          continue;
        }
        if (dstSide ? b.conn.dstNatDone : b.conn.srcNatDone) {
          pushStep(b, {
            hook: b.hook, table: 'nat', chain: b.hook, rule: null, line: chain?.declSpan ? chain.declSpan.line + 1 : null,
            result: 'skipped', action: 'CONTINUE', note: 'this connection\'s NAT was already decided at an earlier hook',
          });
          continue;
        }
        if (dstSide) b.conn.dstNatDone = true;
        else b.conn.srcNatDone = true;
      }
      if (!chain) continue;
      b.walk = { table, hook: b.hook, stack: [], cur: { chain, next: 0 }, active: new Map([[chain, 1]]) };
      return true;
    }
  }

  /** The routing decision and the hooks after it. */
  function nextHook(b: Branch): boolean {
    const p = b.pkt;
    b.tableIdx = 0;
    b.tracked = b.tracked || b.hook !== 'PREROUTING';
    switch (b.hook) {
      case 'PREROUTING': {
        const local = isLocal(b, initial, p.dst);
        b.hook = local ? 'INPUT' : 'FORWARD';
        if (!b.viaLo) b.route = `${formatAddress(p.dst)} is ${local ? '' : 'not '}a local address → ${b.hook}`;
        return true;
      }
      case 'FORWARD':
        b.hook = 'POSTROUTING';
        return true;
      case 'OUTPUT': {
        if (isLocal(b, initial, p.dst)) {
          b.toLo = true;
          b.route = `${formatAddress(p.dst)} is a local address → out lo, back in through PREROUTING and INPUT`;
        } else b.route = `${formatAddress(p.dst)} is not a local address → out ${p.out ?? 'the routed interface'}`;
        b.hook = 'POSTROUTING';
        return true;
      }
      case 'POSTROUTING':
        if (b.toLo && !b.viaLo) {
          b.viaLo = true;
          b.hook = 'PREROUTING';
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  function run(b: Branch): void {
    while (!b.verdict) {
      if (!b.walk) {
        if (!nextTable(b)) finish(b, 'ACCEPT');
        continue;
      }
      const w = b.walk;
      const f = w.cur;
      if (f.next >= f.chain.rules.length) {
        // The end of a chain: a user chain returns; a built-in chain (or a chain reached by goto from it) applies the policy.
        if (w.stack.length) {
          pushStep(b, {
            hook: w.hook, table: w.table.name, chain: f.chain.name, rule: null,
            line: f.chain.declSpan ? f.chain.declSpan.line + 1 : null, result: 'return', action: 'RETURN',
            note: `end of ${f.chain.name}: back to ${w.stack[w.stack.length - 1].chain.name}`,
          });
          popFrame(w);
          continue;
        }
        applyPolicy(b, w);
        continue;
      }
      const rule = f.chain.rules[f.next++];
      if (++b.evaluated > maxSteps) {
        finish(b, 'ERROR', `more than ${maxSteps} rules evaluated: the chains loop`);
        break;
      }
      evaluateRule(b, w, rule);
    }
  }

  function popFrame(w: Walk): void {
    leave(w, w.cur.chain);
    for (const c of w.cur.via ?? []) leave(w, c);
    w.cur = w.stack.pop()!;
  }

  function leave(w: Walk, chain: Chain): void {
    const n = (w.active.get(chain) ?? 1) - 1;
    if (n <= 0) w.active.delete(chain);
    else w.active.set(chain, n);
  }

  function applyPolicy(b: Branch, w: Walk): void {
    const base = w.table.chainsByName.get(w.hook);
    const policy = (base?.policy ?? 'ACCEPT').toUpperCase();
    pushStep(b, {
      hook: w.hook, table: w.table.name, chain: w.hook, rule: null,
      line: base?.declSpan ? base.declSpan.line + 1 : null, result: 'policy', action: policy,
      note: base?.policy ? `policy ${policy}` : 'no policy set: ACCEPT',
    });
    b.walk = null;
    if (policy === 'DROP') finish(b, 'DROP');
    else if (policy === 'QUEUE') finish(b, 'QUEUE');
  }

  /**
   * A step as one object literal: a trace of a 10k-Service dump keeps 12k of
   * them, and an object spread from a base and then extended took three
   * times the memory (about 400 bytes each).
   */
  function step(w: Walk, rule: Rule, result: TraceStep['result'], action: string): TraceStep {
    return { hook: w.hook, table: w.table.name, chain: rule.chain, rule: rule.index, line: ruleLine(rule) + 1, result, action };
  }

  /** Adds a step to a branch, after the run of misses it ends. */
  function pushStep(b: Branch, s: TraceStep): void {
    closeMisses(b);
    b.steps.push(s);
  }

  /**
   * A plain miss: it extends the branch's open run when it is the next rule
   * of the same chain on the next line (restore input with `-I` or with
   * chains' `-A` lines interleaved is not), else it starts a new run.
   */
  function miss(b: Branch, w: Walk, rule: Rule): void {
    const line = ruleLine(rule) + 1;
    const m = b.misses;
    if (m && m.lastRule + 1 === rule.index && m.lastLine + 1 === line
      && m.first.chain === rule.chain && m.first.table === w.table.name && m.first.hook === w.hook) {
      m.lastRule = rule.index;
      m.lastLine = line;
      return;
    }
    closeMisses(b);
    b.misses = { first: step(w, rule, 'no-match', targetAction(rule)), lastRule: rule.index, lastLine: line };
  }

  function targetAction(rule: Rule): string {
    const t = rule.target;
    if (!t) return 'CONTINUE';
    if (t.kind === 'jump') return `JUMP:${t.name}`;
    if (t.kind === 'goto') return `GOTO:${t.name}`;
    return t.name;
  }

  /**
   * Evaluates a rule, then lets go of its parsed arguments as the checks do
   * (Rule.release): a trace through KUBE-SERVICES of a 10k-Service dump
   * reads 10k rules, and keeping them parsed cost 30 MB for as long as the
   * document stayed open.
   */
  function evaluateRule(b: Branch, w: Walk, rule: Rule): void {
    try {
      evaluateRuleArgs(b, w, rule);
    } finally {
      rule.release();
    }
  }

  /** Whether a match's answer alone makes the rule miss. */
  function refuses(v: MatchValue): boolean {
    return v.kind === 'no' || (v.kind === 'random' && v.p <= 0);
  }

  function evaluateRuleArgs(b: Branch, w: Walk, rule: Rule): void {
    const env = envFor(b, initial, w);
    // A listing row's columns are read without parsing its text, and most Service rules miss on their -d column.
    const columns = rule.columnMatches?.();
    if (columns) {
      for (const m of columns) {
        for (const v of evalMatch(m, env)) {
          if (refuses(v)) {
            miss(b, w, rule);
            return;
          }
        }
      }
    }
    // A save rule opening with -s or -d is tried on that word before its line is parsed, as a listing row on its columns.
    const lead = rule instanceof SaveRule ? rule.leadingAddress() : null;
    if (lead) {
      for (const v of evalMatch(lead, env)) {
        if (refuses(v)) {
          miss(b, w, rule);
          return;
        }
      }
    }
    // A definite "no" anywhere decides the rule without forking on the maybes
    // before it; the tests after it need not run (10k Service rules miss on their first).
    const open: MatchValue[] = [];
    for (const m of rule.matches) {
      for (const v of evalMatch(m, env)) {
        if (refuses(v)) {
          miss(b, w, rule);
          return;
        }
        if (v.kind !== 'yes') open.push(v);
      }
    }
    let assumed: string | undefined;
    let note: string | undefined;
    let maybeSeen = false;
    for (const v of open) {
      if (v.kind === 'maybe') {
        const known = b.facts.get(v.why);
        maybeSeen = true;
        if (known === true) { assumed = assumed ?? assumptionText(v.why, true); continue; }
        if (known === false) {
          const s = step(w, rule, 'no-match', targetAction(rule));
          s.assumption = assumptionText(v.why, false);
          pushStep(b, s);
          return;
        }
        const other = fork(b);
        if (other) {
          other.facts.set(v.why, false);
          other.assumptions.push(assumptionText(v.why, false));
          const s = step(w, rule, 'no-match', targetAction(rule));
          s.assumption = assumptionText(v.why, false);
          pushStep(other, s);
          pending.push(other);
        }
        b.facts.set(v.why, true);
        b.assumptions.push(assumptionText(v.why, true));
        assumed = assumptionText(v.why, true);
        continue;
      }
      // A random choice (0 < p): this branch takes it with p, the other branch does not.
      if (v.kind !== 'random' || v.p >= 1) continue;
      const other = fork(b);
      if (other) {
        other.probability *= 1 - v.p;
        other.assumptions.push(`statistic does not pick ${rule.chain} rule ${rule.index} (${+(1 - v.p).toFixed(5)})`);
        const s = step(w, rule, 'no-match', targetAction(rule));
        s.note = `p = ${+(1 - v.p).toFixed(5)} not picked`;
        pushStep(other, s);
        pending.push(other);
      }
      b.probability *= v.p;
      b.assumptions.push(`statistic picks ${rule.chain} rule ${rule.index} (${+v.p.toFixed(5)})`);
      note = `p = ${+v.p.toFixed(5)}`;
      maybeSeen = true;
    }
    const r = applyTarget(b, initial, rule, w);
    const matched = step(w, rule, maybeSeen && assumed ? 'maybe-match' : 'match', r.action);
    const notes = [note, r.note].filter(Boolean);
    if (notes.length) matched.note = notes.join('; ');
    if (r.rewrite) matched.rewrite = r.rewrite;
    if (assumed) matched.assumption = assumed;
    pushStep(b, matched);
    const o = r.outcome;
    switch (o.kind) {
      case 'continue':
        return;
      case 'accept':
        b.walk = null;
        return;
      case 'verdict':
        b.walk = null;
        finish(b, o.verdict);
        return;
      case 'error':
        b.walk = null;
        finish(b, 'ERROR', o.message);
        return;
      case 'return':
        if (w.stack.length) popFrame(w);
        else applyPolicy(b, w);
        return;
      case 'jump':
        if (w.active.has(o.chain)) {
          b.walk = null;
          finish(b, 'ERROR', `loop: ${o.chain.name} is already being walked (jumped to again from ${rule.chain} rule ${rule.index})`);
          return;
        }
        w.stack.push(w.cur);
        w.cur = { chain: o.chain, next: 0 };
        w.active.set(o.chain, 1);
        return;
      case 'goto': {
        if (w.active.has(o.chain)) {
          b.walk = null;
          finish(b, 'ERROR', `loop: ${o.chain.name} is already being walked (goto from ${rule.chain} rule ${rule.index})`);
          return;
        }
        // The chain left stays on the path until this frame returns: a goto chain that comes back to it never ends.
        w.cur = { chain: o.chain, next: 0, via: [...(w.cur.via ?? []), w.cur.chain] };
        w.active.set(o.chain, 1);
        return;
      }
    }
  }

  return {
    branches: done.map((b) => ({
      probability: b.probability,
      assumptions: b.assumptions,
      verdict: b.verdict ?? 'ERROR',
      final: { ...packetToJson(b.pkt), ...(b.masquerade ? { src: b.masquerade } : {}) },
      steps: b.steps,
      ...(b.error ? { error: b.error } : {}),
      ...(b.route ? { route: b.route } : {}),
    })),
    omittedBranches: omitted,
  };
}
