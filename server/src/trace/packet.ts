/**
 * The one-line packet description a user types, e.g.
 * `tcp 10.1.2.3:40000 -> 10.96.125.27:8080 in eth0 out eth1`, read into a
 * packet. Errors point at the bad word (offset and length) so an input box
 * can underline it.
 */
import type { Family } from '../model/types';
import { formatAddress, parseAddress, type Address } from '../model/address';
import {
  formatTcpFlags, hex, parseIcmpType, parseNumber, parseTcpFlags, protocolName, protocolNumber,
} from './names';

export type ConnState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';
export const CONN_STATES: readonly ConnState[] = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'];

/** A packet as the trace sees it. Fields the description left out are null (unknown). */
export interface Packet {
  family: Family;
  /** Protocol number (6 tcp, 17 udp, 1 icmp, 58 icmpv6, 132 sctp…). */
  protocol: number;
  src: Address;
  dst: Address;
  sport: number | null;
  dport: number | null;
  /** Input interface (null: unknown). */
  in: string | null;
  /** Output interface (null: unknown). */
  out: string | null;
  /** Locally generated: starts at OUTPUT. */
  fromLocal: boolean;
  /** This host's addresses as given with `local` (null: not given). */
  local: Address[] | null;
  state: ConnState;
  mark: number;
  ctmark: number;
  /** TCP flag bits (null for other protocols). */
  flags: number | null;
  icmpType: number | null;
  icmpCode: number | null;
  len: number | null;
  ttl: number | null;
  tos: number | null;
  uid: number | null;
  gid: number | null;
  /** Sets the packet's addresses are members of (null: not stated). */
  sets: string[] | null;
  mac: string | null;
}

export interface PacketError {
  message: string;
  /** Offset of the bad word in the description. */
  start: number;
  /** Offset just past the bad word. */
  end: number;
}

export type ParsePacketResult = { packet: Packet; error?: undefined } | { packet?: undefined; error: PacketError };

interface Word {
  text: string;
  start: number;
  end: number;
}

function words(text: string): Word[] {
  const out: Word[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

class DescriptionError extends Error {
  constructor(message: string, readonly start: number, readonly end: number) {
    super(message);
  }
}

function fail(w: Word | undefined, message: string, textLength: number): never {
  if (!w) throw new DescriptionError(message, textLength, textLength);
  throw new DescriptionError(message, w.start, w.end);
}

/** `ADDR`, `ADDR:PORT` (IPv4), `[ADDR]:PORT` or bare `ADDR` (IPv6). Errors point at the address or the port. */
function readEndpoint(w: Word, textLength: number): { addr: Address; port: number | null } {
  let addrText = w.text;
  let addrStart = w.start;
  let portText: string | null = null;
  let portStart = w.end;
  if (addrText.startsWith('[')) {
    const close = addrText.indexOf(']');
    if (close < 0) fail(w, `"${w.text}": an IPv6 address in brackets needs a closing "]".`, textLength);
    const rest = addrText.slice(close + 1);
    if (rest && !rest.startsWith(':')) fail(w, `"${w.text}": write [ADDRESS]:PORT.`, textLength);
    portText = rest ? rest.slice(1) : null;
    portStart = w.start + close + 2;
    addrText = addrText.slice(1, close);
    addrStart = w.start + 1;
  } else if (addrText.split(':').length === 2) {
    const c = addrText.indexOf(':');
    portText = addrText.slice(c + 1);
    portStart = w.start + c + 1;
    addrText = addrText.slice(0, c);
  }
  const addr = parseAddress(addrText);
  const part = (text: string, start: number): Word => ({ text, start, end: start + text.length });
  if (!addr) fail(part(addrText, addrStart), `"${addrText}" is not an IPv4 or IPv6 address${w.text.split(':').length > 2 && !w.text.startsWith('[') ? ' (put an IPv6 address in brackets when a port follows: [2001:db8::1]:443)' : ''}.`, textLength);
  let port: number | null = null;
  if (portText !== null) {
    if (!/^\d+$/.test(portText) || Number(portText) > 65535) fail(part(portText, portStart), `"${portText}" is not a port (0-65535).`, textLength);
    port = Number(portText);
  }
  return { addr, port };
}

function readNumber(w: Word | undefined, what: string, max: number, textLength: number): number {
  const n = w ? parseNumber(w.text) : undefined;
  if (n === undefined || n > max) fail(w, `${what} needs a number${max < 2 ** 32 ? ` (0-${max})` : ''}${w ? `, not "${w.text}"` : ''}.`, textLength);
  return n;
}

const KEYWORDS = ['in', 'out', 'from', 'local', 'state', 'mark', 'ctmark', 'flags', 'type', 'len', 'ttl', 'tos', 'uid', 'gid', 'set', 'mac'];

/**
 * Reads a packet description. `family` is the ruleset's: an ICMP packet
 * written as `icmp` in an IPv6 ruleset means ICMPv6. Never throws.
 */
export function parsePacket(text: string, family?: Family): ParsePacketResult {
  try {
    return { packet: read(text, family) };
  } catch (e) {
    if (e instanceof DescriptionError) return { error: { message: e.message, start: e.start, end: e.end } };
    return { error: { message: String(e), start: 0, end: text.length } };
  }
}

function read(text: string, family: Family | undefined): Packet {
  const ws = words(text);
  const L = text.length;
  if (ws.length === 0) fail(undefined, 'Describe a packet: PROTO SRC[:PORT] -> DST[:PORT], e.g. "tcp 10.1.2.3:40000 -> 10.0.0.1:80".', L);
  const protoWord = ws[0];
  let protocol = protocolNumber(protoWord.text);
  if (protocol === undefined) fail(protoWord, `"${protoWord.text}" is not a protocol: use tcp, udp, icmp, icmpv6, sctp or a number.`, L);
  if (!ws[1]) fail(undefined, 'The source address is missing: PROTO SRC[:PORT] -> DST[:PORT].', L);
  const src = readEndpoint(ws[1], L);
  const arrow = ws[2];
  if (!arrow || (arrow.text !== '->' && arrow.text !== '→' && arrow.text !== '>')) {
    fail(arrow, arrow ? `Expected "->" between source and destination, not "${arrow.text}".` : 'Expected "->" and the destination after the source.', L);
  }
  if (!ws[3]) fail(undefined, 'The destination address is missing after "->".', L);
  const dst = readEndpoint(ws[3], L);
  if (src.addr.family !== dst.addr.family) fail(ws[3], `The destination is ${dst.addr.family === 'ipv4' ? 'IPv4' : 'IPv6'} but the source is not: use addresses of one family.`, L);
  const fam = src.addr.family;
  if (protocol === 1 && fam === 'ipv6' && family === 'ipv6') protocol = 58;
  if (protocol === 1 && fam === 'ipv6') fail(protoWord, 'Use icmpv6 for an IPv6 packet.', L);
  if (protocol === 58 && fam === 'ipv4') fail(protoWord, 'Use icmp for an IPv4 packet.', L);
  const hasPorts = protocol === 6 || protocol === 17 || protocol === 132 || protocol === 33 || protocol === 136;
  if (!hasPorts) {
    if (src.port !== null) fail(ws[1], `${protocolName(protocol)} has no ports: leave ":${src.port}" out.`, L);
    if (dst.port !== null) fail(ws[3], `${protocolName(protocol)} has no ports: leave ":${dst.port}" out.`, L);
  }

  const p: Packet = {
    family: fam, protocol, src: src.addr, dst: dst.addr, sport: src.port, dport: dst.port,
    in: null, out: null, fromLocal: false, local: null, state: 'NEW', mark: 0, ctmark: 0,
    flags: null, icmpType: null, icmpCode: null, len: null, ttl: null, tos: null, uid: null, gid: null,
    sets: null, mac: null,
  };
  const seen = new Set<string>();
  let i = 4;
  while (i < ws.length) {
    const k = ws[i];
    const key = k.text.toLowerCase();
    if (!KEYWORDS.includes(key)) fail(k, `Unknown word "${k.text}": expected one of ${KEYWORDS.join(', ')}.`, L);
    const v = ws[i + 1];
    if (key === 'from') {
      if (!v || v.text.toLowerCase() !== 'local') fail(v ?? k, '"from" is followed by "local": the packet is generated by this host.', L);
      if (seen.has('from')) fail(k, '"from local" is given twice.', L);
      seen.add('from');
      p.fromLocal = true;
      i += 2;
      continue;
    }
    if (seen.has(key)) fail(k, `"${key}" is given twice.`, L);
    seen.add(key);
    if (!v || KEYWORDS.includes(v.text.toLowerCase()) && key !== 'set') fail(v ?? k, `"${key}" needs a value.`, L);
    switch (key) {
      case 'in':
      case 'out':
        if (!/^[\w.@:+-]{1,15}$/.test(v.text) || v.text.endsWith('+')) fail(v, `"${v.text}" is not an interface name.`, L);
        p[key] = v.text;
        break;
      case 'local': {
        const list: Address[] = [];
        let off = v.start;
        for (const part of v.text.split(',')) {
          const a = parseAddress(part);
          if (!a) fail({ text: part, start: off, end: off + part.length }, `"${part}" is not an address.`, L);
          list.push(a);
          off += part.length + 1;
        }
        p.local = list;
        break;
      }
      case 'state': {
        const s = v.text.toUpperCase() as ConnState;
        if (!CONN_STATES.includes(s)) fail(v, `"${v.text}" is not a connection state: use ${CONN_STATES.join(', ')}.`, L);
        p.state = s;
        break;
      }
      case 'mark': p.mark = readNumber(v, 'mark', 0xffffffff, L); break;
      case 'ctmark': p.ctmark = readNumber(v, 'ctmark', 0xffffffff, L); break;
      case 'flags': {
        if (protocol !== 6) fail(k, 'Only TCP packets have flags.', L);
        const f = parseTcpFlags(v.text);
        if (f === undefined) fail(v, `"${v.text}" is not a list of TCP flags (SYN,ACK,FIN,RST,PSH,URG,ECE,CWR).`, L);
        p.flags = f;
        break;
      }
      case 'type': {
        if (protocol !== 1 && protocol !== 58) fail(k, 'Only ICMP packets have a type.', L);
        const t = parseIcmpType(v.text, protocol === 58);
        if (!t || t.type < 0) fail(v, `"${v.text}" is not an ICMP type: use a name such as echo-request, a number, or TYPE/CODE.`, L);
        p.icmpType = t.type;
        p.icmpCode = t.codeMin;
        break;
      }
      case 'len': p.len = readNumber(v, 'len', 65535, L); break;
      case 'ttl': p.ttl = readNumber(v, 'ttl', 255, L); break;
      case 'tos': p.tos = readNumber(v, 'tos', 255, L); break;
      case 'uid': p.uid = readNumber(v, 'uid', 0xffffffff, L); break;
      case 'gid': p.gid = readNumber(v, 'gid', 0xffffffff, L); break;
      case 'set': p.sets = v.text.split(',').filter(Boolean); break;
      case 'mac':
        if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(v.text)) fail(v, `"${v.text}" is not a MAC address (xx:xx:xx:xx:xx:xx).`, L);
        p.mac = v.text.toLowerCase();
        break;
    }
    i += 2;
  }
  if (protocol === 6 && p.flags === null) p.flags = p.state === 'NEW' ? 0x02 : 0x10;
  if (protocol === 1 && p.icmpType === null) { p.icmpType = 8; p.icmpCode = 0; }
  if (protocol === 58 && p.icmpType === null) { p.icmpType = 128; p.icmpCode = 0; }
  return p;
}

/** Text of an endpoint: `10.0.0.1:80`, `[2001:db8::1]:443`. */
export function formatEndpoint(a: Address, port: number | null): string {
  const s = formatAddress(a);
  if (port === null) return s;
  return a.family === 'ipv6' ? `[${s}]:${port}` : `${s}:${port}`;
}

/** The packet written back as a description (what the user would type to get it). */
export function formatPacket(p: Packet): string {
  const parts = [protocolName(p.protocol), formatEndpoint(p.src, p.sport), '->', formatEndpoint(p.dst, p.dport)];
  if (p.in) parts.push('in', p.in);
  if (p.out) parts.push('out', p.out);
  if (p.fromLocal) parts.push('from', 'local');
  if (p.local) parts.push('local', p.local.map(formatAddress).join(','));
  parts.push('state', p.state);
  if (p.mark) parts.push('mark', hex(p.mark));
  if (p.ctmark) parts.push('ctmark', hex(p.ctmark));
  if (p.flags !== null) parts.push('flags', formatTcpFlags(p.flags));
  if (p.icmpType !== null) parts.push('type', `${p.icmpType}/${p.icmpCode ?? 0}`);
  for (const k of ['len', 'ttl', 'tos', 'uid', 'gid'] as const) if (p[k] !== null) parts.push(k, String(p[k]));
  if (p.sets) parts.push('set', p.sets.join(','));
  if (p.mac) parts.push('mac', p.mac);
  return parts.join(' ');
}

/** The packet as plain JSON data (addresses as text, marks in hex). */
export function packetToJson(p: Packet): Record<string, unknown> {
  const out: Record<string, unknown> = {
    family: p.family,
    protocol: protocolName(p.protocol),
    src: formatAddress(p.src),
    dst: formatAddress(p.dst),
  };
  if (p.sport !== null) out.sport = p.sport;
  if (p.dport !== null) out.dport = p.dport;
  if (p.in !== null) out.in = p.in;
  if (p.out !== null) out.out = p.out;
  out.fromLocal = p.fromLocal;
  if (p.local) out.local = p.local.map(formatAddress);
  out.state = p.state;
  out.mark = hex(p.mark);
  out.ctmark = hex(p.ctmark);
  if (p.flags !== null) out.flags = formatTcpFlags(p.flags);
  if (p.icmpType !== null) { out.icmpType = p.icmpType; out.icmpCode = p.icmpCode; }
  for (const k of ['len', 'ttl', 'tos', 'uid', 'gid'] as const) if (p[k] !== null) out[k] = p[k];
  if (p.sets) out.sets = p.sets;
  if (p.mac) out.mac = p.mac;
  return out;
}
