/**
 * Plain-language phrasing of what a rule, match, option or target does, with
 * this rule's own values spelled out: `0x4000/0x4000` → "bit 0x4000 is set",
 * `10.254.0.0/16` → "10.254.0.0/16 (65,536 addresses)", a statistic
 * probability as a percentage. Hover uses it; so can the trace and the CLI.
 */
import type { Match, Option, Rule, Target } from '../model/types';
import { chainConvention } from './conventions';
import { findMatch, findOption, findTarget } from './index';
import { ICMP6_TYPES, ICMP_TYPES, icmpName, LOG_LEVELS } from './values';
import { keyed } from '../model/keyed';

/**
 * Formats a count with thousands separators, as `toLocaleString('en-US')`
 * does. Integers are grouped by hand: a process's first toLocaleString
 * loads ICU's number formats, about 30 ms of the first hover.
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** A byte count in human units (powers of 1000, as iptables' own K/M/G); the exact figure follows unless it is only an estimate. */
export function formatBytes(n: number, exact = true): string {
  if (n < 1000) return `${n} bytes`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let i = -1;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const short = `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
  return exact ? `${short} (${formatCount(n)} bytes)` : short;
}

/** A share 0…1 as a percentage with at most one decimal: 0.3333 → 33.3%, 1 → 100%. */
export function formatPercent(share: number): string {
  const p = Math.round(share * 1000) / 10;
  return `${Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)}%`;
}

function parseNumber(s: string): number | undefined {
  const t = s.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) return undefined;
  return Number(t);
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

function bitList(n: number): string {
  const bits: string[] = [];
  for (let b = 0; b < 32; b++) if ((n >>> b) & 1) bits.push(hex(2 ** b));
  return bits.join(', ');
}

function isSingleBit(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** A mark test `value[/mask]` in words: `0x4000/0x4000` → "bit 0x4000 is set". */
export function describeMarkTest(text: string): string {
  const [vs, ms] = text.split('/');
  const value = parseNumber(vs);
  const mask = ms === undefined ? 0xffffffff : parseNumber(ms);
  if (value === undefined || mask === undefined) return `mark ${text}`;
  if (mask === 0xffffffff) return `the mark is exactly ${hex(value)}`;
  if (value === mask) return isSingleBit(value) ? `bit ${hex(value)} is set` : `bits ${bitList(value)} are all set`;
  if (value === 0) return isSingleBit(mask) ? `bit ${hex(mask)} is clear` : `bits ${bitList(mask)} are all clear`;
  return `the bits under mask ${hex(mask)} equal ${hex(value)}`;
}

/** What a MARK/CONNMARK target option does to the mark, in words. */
export function describeMarkChange(option: string, text: string, what = 'mark'): string {
  const [vs, ms] = text.split('/');
  const value = parseNumber(vs);
  const mask = ms === undefined ? undefined : parseNumber(ms);
  if (value === undefined) return `${option} ${text}`;
  const bits = (n: number) => (isSingleBit(n) ? `bit ${hex(n)}` : `bits ${hex(n)}`);
  switch (option) {
    case 'or-mark': return `sets ${bits(value)} of the ${what}`;
    case 'and-mark': return `keeps only ${bits(value)} of the ${what} (clears the rest)`;
    case 'xor-mark': return `flips ${bits(value)} of the ${what}`;
    case 'set-mark':
    case 'set-xmark': {
      const m = mask ?? 0xffffffff;
      if (m === 0xffffffff) return `sets the ${what} to ${hex(value)}`;
      if (m === 0 && option === 'set-xmark') return `flips ${bits(value)} of the ${what}`;
      if (value === m) return `sets ${bits(value)} of the ${what}`;
      if (value === 0) return `clears ${bits(m)} of the ${what}`;
      if (option === 'set-xmark' && (value & m) === 0) return `clears ${bits(m)} and flips ${bits(value)} of the ${what}`;
      return `sets the bits under mask ${hex(m)} of the ${what} to ${hex(value)}`;
    }
    default: return `${option} ${text}`;
  }
}

function ipv4ToNumber(a: string): number | undefined {
  const parts = a.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d+$/.test(p) || v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

function prefixOfMask(mask: string): number | undefined {
  const n = ipv4ToNumber(mask);
  if (n === undefined) return undefined;
  const bin = n.toString(2).padStart(32, '0');
  return /^1*0*$/.test(bin) ? bin.indexOf('0') === -1 ? 32 : bin.indexOf('0') : undefined;
}

/** An address or network in words, with its size: `10.254.0.0/16` → "10.254.0.0/16 (65,536 addresses)". */
export function describeAddress(text: string): string {
  if (text.includes(',')) return text.split(',').map(describeAddress).join(', ');
  const [addr, maskText] = text.split('/');
  const v6 = addr.includes(':');
  const bits = v6 ? 128 : 32;
  let prefix: number | undefined;
  if (maskText === undefined) prefix = bits;
  else if (/^\d+$/.test(maskText)) prefix = Number(maskText);
  else if (!v6) prefix = prefixOfMask(maskText);
  if (prefix === undefined) return `${text} (a non-contiguous mask)`;
  if (prefix === bits) return `${addr} (a single address)`;
  if (prefix === 0) return 'any address';
  const host = bits - prefix;
  const count = host <= 40 ? formatCount(2 ** host) : `2^${host}`;
  return `${text} (${count} addresses)`;
}

/** A port, range or list in words: `8000:8010` → "ports 8000–8010 (11 ports)". */
export function describePorts(text: string): string {
  if (text.includes(',')) return `ports ${text.split(',').map((p) => p.replace(':', '–')).join(', ')}`;
  const [a, b] = text.split(':');
  if (b === undefined) return `port ${a}`;
  const lo = a === '' ? 0 : Number(a);
  const hi = b === '' ? 65535 : Number(b);
  if (Number.isFinite(lo) && Number.isFinite(hi)) return `ports ${lo}–${hi} (${formatCount(hi - lo + 1)} ports)`;
  return `ports ${text}`;
}

/** A numeric range `a:b` in words. */
function describeRange(text: string, unit = ''): string {
  const [a, b] = text.split(':');
  const u = unit ? ` ${unit}` : '';
  if (b === undefined) return `${a}${u}`;
  if (b === '') return `at least ${a}${u}`;
  if (a === '' || a === '0') return `at most ${b}${u}`;
  return `${a} to ${b}${u}`;
}

function listOf(values: string[], docs: Record<string, string> | undefined): string {
  return values.map((v) => (docs?.[v] ? `**${v}** — ${docs[v]}` : `**${v}**`)).join('\n- ');
}

/**
 * The value of an option spelled out for this rule, or undefined when the
 * raw value says it best. Multi-line answers are markdown bullet lists.
 */
export function describeValue(owner: string, option: Option): string | undefined {
  if (option.value === null) return undefined;
  const value = option.value;
  const info = findMatch(owner) ?? findTarget(owner);
  const oi = info ? findOption(info, option.name) : undefined;
  const kind = oi?.valueKind;
  if (owner === 'tcp' && option.name === 'tcp-flags') {
    const [mask, comp] = option.values;
    if (comp === undefined) return undefined;
    const set = comp === 'NONE' ? 'none of them set' : `exactly ${comp} set`;
    return `looking at ${mask === 'ALL' ? 'all six flags' : mask}: ${set}`;
  }
  if (oi?.list && oi.valueDocs) {
    const words = value.split(',');
    return words.length === 1 ? `**${value}** — ${oi.valueDocs[value] ?? value}` : `one of:\n- ${listOf(words, oi.valueDocs)}`;
  }
  if (owner === 'icmp' || owner === 'icmp6') {
    const table = owner === 'icmp' ? ICMP_TYPES : ICMP6_TYPES;
    if (table[value]) return `${value} (type ${table[value]})`;
    const name = icmpName(value, owner === 'icmp6');
    return name ? `${name} (type ${value})` : undefined;
  }
  if (owner === 'LOG' && option.name === 'log-level') {
    const level = LOG_LEVELS[value];
    return level ? `${value}: ${level}` : undefined;
  }
  if (oi?.valueDocs?.[value]) return `**${value}** — ${oi.valueDocs[value]}`;
  switch (kind) {
    case 'address': return describeAddress(value);
    case 'addressRange': return `addresses ${value.replace('-', ' to ')}`;
    case 'mark':
      if (info?.kind === 'target') return describeMarkChange(option.name, value, owner === 'CONNMARK' ? 'connection mark' : 'mark');
      return describeMarkTest(value);
    case 'port':
    case 'portRange':
    case 'portList': return describePorts(value.replace('-', ':'));
    case 'range': return describeRange(value);
    case 'interface': return value.endsWith('+') ? `any interface whose name starts with "${value.slice(0, -1)}"` : `interface ${value}`;
    case 'natRange': return describeNatRange(value);
    case 'rate': return describeRate(value);
    default: break;
  }
  if (owner === 'protocol') return describeProtocol(value);
  if (owner === 'statistic' && option.name === 'probability') {
    const p = Number(value);
    return Number.isFinite(p) ? `${formatPercent(option.negated ? 1 - p : p)} of the packets that reach this rule, at random` : undefined;
  }
  return undefined;
}

/** A rate `5/min`, `10/s`, `1kb/s` in words: "on average 5 packets per minute". */
export function describeRate(text: string): string {
  const m = /^(\d+)([kmg]?b)?\/(s|sec|second|m|min|minute|h|hour|d|day)$/i.exec(text.trim());
  if (!m) return text;
  const unit = { s: 'second', sec: 'second', second: 'second', m: 'minute', min: 'minute', minute: 'minute', h: 'hour', hour: 'hour', d: 'day', day: 'day' }[m[3].toLowerCase()]!;
  const bytes: Record<string, string> = keyed({ b: 'bytes', kb: 'kB', mb: 'MB', gb: 'GB' });
  const what = m[2] ? `${m[1]} ${bytes[m[2].toLowerCase()]}` : `${m[1]} packet${m[1] === '1' ? '' : 's'}`;
  return `on average ${what} per ${unit}`;
}

/** A NAT range `10.0.0.1-10.0.0.5:8000-8010` or `[fd00::1]:80` in words. */
export function describeNatRange(text: string): string {
  let addr = text;
  let port: string | undefined;
  const bracket = /^\[([^\]]*)\](?::(.+))?$/.exec(text);
  if (bracket) {
    addr = bracket[1];
    port = bracket[2];
  } else if (!text.includes('::') && text.split(':').length === 2) {
    [addr, port] = text.split(':');
  }
  const parts: string[] = [];
  if (addr) parts.push(addr.includes('-') ? `an address from ${addr.replace('-', ' to ')}` : addr);
  if (port) parts.push(port.includes('-') ? `a port from ${port.replace('-', ' to ')}` : `port ${port}`);
  return parts.join(', ') || text;
}

/** Protocol names and numbers (as `-p` and the listings print them) in words. */
const PROTOCOL_WORD: Record<string, string> = keyed({
  tcp: 'TCP', udp: 'UDP', icmp: 'ICMP', 'ipv6-icmp': 'ICMPv6', icmpv6: 'ICMPv6', sctp: 'SCTP', esp: 'ESP', ah: 'AH', gre: 'GRE',
  dccp: 'DCCP', udplite: 'UDP-Lite', ipcomp: 'IPComp', vrrp: 'VRRP', igmp: 'IGMP', 'mobility-header': 'Mobility Header', mh: 'Mobility Header',
  '6': 'TCP', '17': 'UDP', '1': 'ICMP', '58': 'ICMPv6', '132': 'SCTP', '50': 'ESP', '51': 'AH', '47': 'GRE', '33': 'DCCP',
  '136': 'UDP-Lite', '108': 'IPComp', '112': 'VRRP', '2': 'IGMP', '135': 'Mobility Header', all: 'any protocol', '0': 'any protocol',
});

/** A protocol name or number in words: `6` → "TCP (protocol 6)". */
export function describeProtocol(value: string): string {
  const word = PROTOCOL_WORD[value.toLowerCase()];
  if (!word) return /^\d+$/.test(value) ? `protocol number ${value}` : value;
  return /^\d+$/.test(value) && value !== '0' ? `${word} (protocol ${value})` : word;
}

/** Drops the `/32` (`/128`) that iptables-save adds to single addresses. */
function hostOnly(address: string): string {
  return address.replace(/\/(32|128)$/, '');
}

function opt(m: Match, name: string): Option | undefined {
  return m.options.find((o) => o.name === name);
}

/** A short phrase for one match of a rule, for the rule's one-sentence summary; undefined to leave it out. */
export function matchPhrase(m: Match): string | undefined {
  const o0 = m.options[0];
  const not = (o: Option | undefined) => (o?.negated || m.negated ? 'not ' : '');
  switch (m.module) {
    case 'comment': return undefined;
    case 'source': return o0?.value ? `from ${not(o0) ? 'outside ' : ''}${hostOnly(o0.value)}` : undefined;
    case 'destination': return o0?.value ? `to ${not(o0) ? 'anything but ' : ''}${hostOnly(o0.value)}` : undefined;
    case 'in-interface': return o0?.value ? `${not(o0)}in on ${o0.value}` : undefined;
    case 'out-interface': return o0?.value ? `${not(o0)}out on ${o0.value}` : undefined;
    case 'fragment': return m.negated ? 'not a later fragment' : 'a later fragment';
    case 'tcp': case 'udp': case 'sctp': case 'dccp': case 'udplite': {
      const parts: string[] = [];
      const sp = opt(m, 'sport');
      const dp = opt(m, 'dport');
      if (sp?.value) parts.push(`from ${sp.negated ? 'not ' : ''}${describePorts(sp.value).replace(/ \(.*\)$/, '')}`);
      if (dp?.value) parts.push(`${dp.negated ? 'not ' : ''}${describePorts(dp.value).replace(/ \(.*\)$/, '')}`);
      const fl = opt(m, 'tcp-flags');
      if (fl) parts.push(`${fl.negated ? 'not ' : ''}with flags ${fl.values[1] ?? ''} of ${fl.values[0] ?? ''}`);
      if (opt(m, 'syn')) parts.push(`${opt(m, 'syn')!.negated ? 'not ' : ''}a connection opener (SYN)`);
      return parts.length ? parts.join(' ') : undefined;
    }
    case 'multiport': {
      const o = opt(m, 'dports') ?? opt(m, 'sports') ?? opt(m, 'ports');
      if (!o?.value) return undefined;
      const side = o.name === 'sports' ? 'from ' : o.name === 'ports' ? 'either ' : '';
      return `${side}${o.negated ? 'not ' : ''}ports ${o.value}`;
    }
    case 'conntrack': case 'state': {
      const o = opt(m, 'ctstate') ?? opt(m, 'state');
      if (o?.value) return `${o.negated ? 'not ' : ''}in state ${o.value}`;
      const d = opt(m, 'ctorigdst');
      if (d?.value) return `originally ${d.negated ? 'not ' : ''}to ${d.value}`;
      return 'with connection tracking conditions';
    }
    case 'mark': case 'connmark': {
      if (!o0?.value) return undefined;
      const what = m.module === 'mark' ? 'mark' : 'connection mark';
      return `${o0.negated ? 'unless' : 'when'} ${describeMarkTest(o0.value).replace(/^the mark/, `the ${what}`).replace(/^bit/, `${what} bit`).replace(/^bits/, `${what} bits`)}`;
    }
    case 'addrtype': {
      const parts: string[] = [];
      const d = opt(m, 'dst-type');
      const s = opt(m, 'src-type');
      if (d?.value) parts.push(`to ${d.negated ? 'a non-' : 'a '}${d.value.toLowerCase().replace(/,/g, '/')} address`);
      if (s?.value) parts.push(`from ${s.negated ? 'a non-' : 'a '}${s.value.toLowerCase().replace(/,/g, '/')} address`);
      return parts.join(' ') || undefined;
    }
    case 'statistic': {
      const p = opt(m, 'probability');
      if (p?.value) return `${formatPercent(p.negated ? 1 - Number(p.value) : Number(p.value))} of the time at random`;
      const e = opt(m, 'every');
      if (e?.value) return `every ${e.value}th packet`;
      return undefined;
    }
    case 'icmp': case 'icmp6': {
      const o = opt(m, 'icmp-type') ?? opt(m, 'icmpv6-type');
      if (!o?.value) return undefined;
      const name = (m.module === 'icmp' ? ICMP_TYPES : ICMP6_TYPES)[o.value] !== undefined ? o.value : icmpName(o.value, m.module === 'icmp6') ?? o.value;
      return `${o.negated ? 'not ' : ''}${name}`;
    }
    case 'limit': return opt(m, 'limit')?.value ? `at most ${opt(m, 'limit')!.value}` : 'rate-limited';
    case 'set': {
      const o = opt(m, 'match-set');
      return o ? `${o.negated ? 'not ' : ''}in set ${o.values[0] ?? ''}` : undefined;
    }
    case 'owner': {
      const u = opt(m, 'uid-owner');
      return u?.value ? `${u.negated ? 'not ' : ''}sent by user ${u.value}` : 'by its local owner';
    }
    case 'hashlimit': {
      const up = opt(m, 'hashlimit-upto') ?? opt(m, 'hashlimit');
      const above = opt(m, 'hashlimit-above');
      const mode = opt(m, 'hashlimit-mode')?.value;
      const per = mode ? ` per ${mode.replace(/,/g, '+')}` : '';
      if (up?.value) return `at most ${up.value}${per}`;
      if (above?.value) return `above ${above.value}${per}`;
      return 'rate-limited per group';
    }
    case 'recent': {
      const name = opt(m, 'name')?.value ?? 'DEFAULT';
      const secs = opt(m, 'seconds')?.value;
      const hits = opt(m, 'hitcount')?.value;
      const what = opt(m, 'set') ? 'adding the address to' : opt(m, 'remove') ? 'removing the address from' : 'seen in';
      return `${what} recent list ${name}${hits ? ` at least ${hits} times` : ''}${secs ? ` within ${secs} s` : ''}`;
    }
    case 'length': return o0?.value ? `${o0.negated ? 'not ' : ''}${describeRange(o0.value, 'bytes')} long` : undefined;
    case 'ttl': case 'hl': {
      const o = m.options[0];
      if (!o?.value) return undefined;
      const op = o.name.endsWith('-eq') ? (o.negated ? '≠' : '=') : o.name.endsWith('-lt') ? '<' : '>';
      return `with ${m.module === 'ttl' ? 'TTL' : 'hop limit'} ${op} ${o.value}`;
    }
    case 'pkttype': return o0?.value ? `${o0.negated ? 'not ' : ''}${o0.value}` : undefined;
    case 'iprange': {
      const parts = m.options.filter((o) => o.value).map((o) => `${o.name === 'src-range' ? 'from' : 'to'} ${o.negated ? 'outside ' : ''}${o.value}`);
      return parts.join(' ') || undefined;
    }
    case 'mac': return o0?.value ? `${o0.negated ? 'not ' : ''}from MAC ${o0.value}` : undefined;
    case 'helper': return o0?.value ? `${o0.negated ? 'not ' : ''}of a ${o0.value} helper connection` : undefined;
    case 'connlimit': {
      const above = opt(m, 'connlimit-above')?.value;
      const upto = opt(m, 'connlimit-upto')?.value;
      const by = opt(m, 'connlimit-daddr') ? 'destination' : 'source';
      if (above) return `when the ${by} has more than ${above} connections`;
      if (upto) return `while the ${by} has at most ${upto} connections`;
      return undefined;
    }
    case 'string': {
      const v = (opt(m, 'string') ?? opt(m, 'hex-string'))?.value;
      return v ? `${m.options.some((o) => o.negated) ? 'not ' : ''}containing "${v}"` : undefined;
    }
    case 'physdev': {
      const i = opt(m, 'physdev-in')?.value;
      const o = opt(m, 'physdev-out')?.value;
      if (opt(m, 'physdev-is-bridged')) return 'bridged';
      return [i ? `in on bridge port ${i}` : '', o ? `out on bridge port ${o}` : ''].filter(Boolean).join(' ') || 'bridged';
    }
    case 'policy': {
      const dir = opt(m, 'dir')?.value;
      const pol = opt(m, 'pol')?.value;
      return pol === 'none' ? `not IPsec-${dir === 'out' ? 'bound' : 'decoded'}` : `IPsec-${dir === 'out' ? 'bound' : 'decoded'}`;
    }
    case 'time': {
      const from = opt(m, 'timestart')?.value;
      const to = opt(m, 'timestop')?.value;
      const days = opt(m, 'weekdays')?.value;
      return [from || to ? `between ${from ?? '00:00'} and ${to ?? '23:59:59'}` : '', days ? `on ${days}` : ''].filter(Boolean).join(' ') || 'at certain times';
    }
    case 'rpfilter': return opt(m, 'invert') ? 'failing the reverse-path check' : 'passing the reverse-path check';
    case 'socket': return 'with a local socket';
    case 'dscp': case 'tos': return o0?.value ? `with ${m.module.toUpperCase()} ${o0.negated ? '≠ ' : ''}${o0.value}` : undefined;
    default:
      return `matching ${m.module}`;
  }
}

/** What the rule's target does, as a short phrase: "jump to KUBE-MARK-MASQ (mark for masquerading)". */
export function targetPhrase(target: Target | null, chainExists = true, labelOf?: (chain: string) => string | undefined): string {
  if (!target) return 'count only (no target: the packet goes on to the next rule)';
  const o = (name: string) => target.options.find((x) => x.name === name);
  switch (target.name) {
    case 'ACCEPT': return 'accept';
    case 'DROP': return 'drop';
    case 'RETURN': return 'return to the calling chain';
    case 'QUEUE': return 'queue to userspace';
    case 'REJECT': {
      const w = o('reject-with')?.value;
      return `reject${w ? ` with ${w}` : ''}`;
    }
    case 'DNAT': return `DNAT to ${o('to-destination')?.value ?? '?'}`;
    case 'SNAT': return `SNAT to ${o('to-source')?.value ?? '?'}`;
    case 'MASQUERADE': return `masquerade (source NAT to the outgoing interface's address${o('random-fully') ? ', fully random ports' : ''})`;
    case 'REDIRECT': return `redirect to this host${o('to-ports')?.value ? ` port ${o('to-ports')!.value}` : ''}`;
    case 'MARK': case 'CONNMARK': {
      const first = target.options.find((x) => x.value !== null);
      return first?.value ? describeMarkChange(first.name, first.value, target.name === 'CONNMARK' ? 'connection mark' : 'mark') : target.name;
    }
    case 'LOG': return `log${o('log-prefix')?.value ? ` with prefix "${o('log-prefix')!.value}"` : ''}`;
    default: break;
  }
  if (target.kind === 'jump' || target.kind === 'goto' || (!findTarget(target.name) && chainExists)) {
    const conv = chainConvention(target.name);
    const why = labelOf?.(target.name) ?? (conv ? shortPurpose(target.name) : undefined);
    return `${target.goto ? 'go to' : 'jump to'} ${target.name}${why ? ` (${why})` : ''}`;
  }
  const shown = target.options.slice(0, 2).map((x) => `--${x.name}${x.value !== null ? ` ${x.value}` : ''}`);
  return [target.name, ...shown].join(' ');
}

/** A few words for the chains whose purpose fits in a parenthesis. */
export function shortPurpose(chain: string): string | undefined {
  const SHORT: Record<string, string> = keyed({
    'KUBE-MARK-MASQ': 'mark for masquerading', 'KUBE-MARK-DROP': 'mark for dropping', 'KUBE-SERVICES': 'Kubernetes Services',
    'KUBE-NODEPORTS': 'Kubernetes node ports', 'KUBE-POSTROUTING': 'masquerade marked traffic', 'KUBE-FORWARD': 'Kubernetes forwarding',
    'DOCKER-USER': 'your rules before Docker\'s', DOCKER: 'Docker published ports',
  });
  if (SHORT[chain]) return SHORT[chain];
  if (chain.startsWith('KUBE-SVC-') || chain.startsWith('KUBE-SVL-')) return 'a Kubernetes Service';
  if (chain.startsWith('KUBE-SEP-')) return 'a Service endpoint';
  if (chain.startsWith('KUBE-EXT-')) return 'external traffic of a Service';
  if (chain.startsWith('KUBE-FW-')) return 'load-balancer source ranges';
  return undefined;
}

/**
 * One sentence for a rule: its conditions, then an arrow and what it does
 * (`labelOf` may name a jump target better than its convention, e.g. the
 * kube-proxy Service behind a hash) —
 * "TCP to 10.96.125.27 port 8080 from outside 10.254.0.0/16 → jump to KUBE-MARK-MASQ (mark for masquerading)".
 */
export function ruleSentence(rule: Rule, chainExists = true, labelOf?: (chain: string) => string | undefined): string {
  let proto = '';
  const parts: string[] = [];
  let dest: string | undefined;
  let dport: string | undefined;
  for (const m of rule.matches) {
    if (m.module === 'protocol') {
      const v = m.options[0]?.value?.toLowerCase();
      if (v) proto = `${m.negated || m.options[0].negated ? 'not ' : ''}${PROTOCOL_WORD[v] ?? v}`;
      continue;
    }
    if (m.module === 'destination') {
      dest = matchPhrase(m);
      continue;
    }
    if ((m.module === 'tcp' || m.module === 'udp' || m.module === 'sctp') && !opt(m, 'sport') && opt(m, 'dport') && m.options.length === 1) {
      dport = matchPhrase(m);
      continue;
    }
    const p = matchPhrase(m);
    if (p) parts.push(p);
  }
  const where = dest ? `${dest}${dport ? ` ${dport}` : ''}` : dport ? `to ${dport}` : undefined;
  const words = [proto, where, ...parts].filter(Boolean).join(' ');
  const subject = words ? (proto ? words : `Packets ${words}`) : 'Every packet';
  return `${subject} → ${targetPhrase(rule.target, chainExists, labelOf)}`;
}
