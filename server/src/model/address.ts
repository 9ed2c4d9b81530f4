/**
 * IPv4 and IPv6 addresses as numbers, so the trace can compare them with
 * prefixes, masks and ranges exactly as the kernel does, and the checks can
 * tell a valid address from a host name.
 */
import type { Family } from './types';

export interface Address {
  family: Family;
  /** The address as an unsigned integer (32 or 128 bits). */
  value: bigint;
}

export interface Prefix {
  family: Family;
  value: bigint;
  /** Bit mask; contiguous for /N, any bits for an IPv4 dotted mask. */
  mask: bigint;
}

const ALL4 = (1n << 32n) - 1n;
const ALL6 = (1n << 128n) - 1n;

export function allOnes(family: Family): bigint {
  return family === 'ipv4' ? ALL4 : ALL6;
}

/**
 * A dotted-quad IPv4 address as a plain number (0 to 2^32-1), or -1 when the
 * text is not one: four parts of one to three digits, each at most 255. The
 * checks call it for every -s/-d of a dump, so it reads characters instead of
 * splitting and builds no bigint.
 */
export function ipv4Number(text: string): number {
  return ipv4NumberAt(text, 0, text.length, false);
}

/**
 * ipv4Number of text[start, end), read in place. With `canonical`, also -1
 * when a part has a leading zero (`010.1.2.3`): iptables-save never writes
 * one, and it is another spelling of the address.
 */
export function ipv4NumberAt(text: string, start: number, end: number, canonical: boolean): number {
  if (end - start < 7 || end - start > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3 || (canonical && digits === 2 && part === 0)) return -1;
      part = part * 10 + (c - 48);
    } else if (c === 46 && digits > 0 && dots < 3) {
      if (part > 255) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return value * 256 + part;
}

/** Whether a character code is a hex digit (0-9, a-f, A-F). */
export function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Reads a dotted-quad IPv4 address; undefined when it is not one. */
export function parseIPv4(text: string): bigint | undefined {
  const v = ipv4Number(text);
  return v < 0 ? undefined : BigInt(v);
}

/** Reads an IPv6 address (with `::` and an optional dotted IPv4 tail); undefined when it is not one. */
export function parseIPv6(text: string): bigint | undefined {
  if (!text.includes(':')) return undefined;
  let head = text;
  let tail4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail4 = parseIPv4(text.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = head.split('::');
  if (dbl.length > 2) return undefined;
  const group = (s: string) => (s === '' ? [] : s.split(':'));
  const left = group(dbl[0]);
  const right = dbl.length === 2 ? group(dbl[1]) : [];
  const missing = 8 - left.length - right.length;
  if (dbl.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(dbl.length === 2 ? missing : 0).fill('0'), ...right];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail4 !== undefined) v = (v & ~0xffffffffn) | tail4;
  return v;
}

/** Reads an address of either family. */
export function parseAddress(text: string): Address | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { family: 'ipv4', value: v4 };
  const v6 = parseIPv6(text);
  if (v6 !== undefined) return { family: 'ipv6', value: v6 };
  return undefined;
}

function prefixMask(family: Family, bits: number): bigint {
  const width = family === 'ipv4' ? 32n : 128n;
  const b = BigInt(bits);
  return b === 0n ? 0n : (allOnes(family) >> (width - b)) << (width - b);
}

/**
 * Reads `ADDR`, `ADDR/LEN` or (IPv4) `ADDR/DOTTED-MASK`, as `-s`/`-d` take
 * them. A bare address is a full-length prefix.
 */
export function parsePrefix(text: string): Prefix | undefined {
  const slash = text.indexOf('/');
  const addr = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!addr) return undefined;
  const width = addr.family === 'ipv4' ? 32 : 128;
  if (slash < 0) return { ...addr, mask: allOnes(addr.family) };
  const m = text.slice(slash + 1);
  let mask: bigint;
  if (/^\d{1,3}$/.test(m) && Number(m) <= width) mask = prefixMask(addr.family, Number(m));
  else if (addr.family === 'ipv4' && parseIPv4(m) !== undefined) mask = parseIPv4(m)!;
  else return undefined;
  return { family: addr.family, value: addr.value & mask, mask };
}

export function inPrefix(a: Address, p: Prefix): boolean {
  return a.family === p.family && (a.value & p.mask) === p.value;
}

/** The address as iptables prints it (IPv6 in its shortest form). */
export function formatAddress(a: Address): string {
  if (a.family === 'ipv4') {
    const v = Number(a.value);
    return [24, 16, 8, 0].map((s) => (v >>> s) & 255).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((a.value >> BigInt(i * 16)) & 0xffffn));
  // The longest run of two or more zero groups becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Loopback, multicast and broadcast classes the kernel gives an address on its own. */
export function isLoopback(a: Address): boolean {
  return a.family === 'ipv4' ? a.value >> 24n === 127n : a.value === 1n;
}

export function isMulticast(a: Address): boolean {
  return a.family === 'ipv4' ? a.value >> 28n === 0xen : a.value >> 120n === 0xffn;
}

export function isLimitedBroadcast(a: Address): boolean {
  return a.family === 'ipv4' && a.value === ALL4;
}

export function isUnspecified(a: Address): boolean {
  return a.value === 0n;
}
