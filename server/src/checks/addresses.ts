/** Syntax of the address and port values iptables reads, checked without any lookup. */
import { ipv4Number, parseIPv6 } from '../model/address';

/** A dotted-quad IPv4 address, each part 0–255. */
export function isIPv4(text: string): boolean {
  return ipv4Number(text) >= 0;
}

/** Whether text[from..] is a decimal number 0–65535 (a NAT port without a range). */
function isPort(text: string, from: number): boolean {
  if (from >= text.length) return false;
  let n = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
    n = n * 10 + c - 48;
    if (n > 65535) return false;
  }
  return true;
}

/** An IPv6 address in any of its textual forms (with :: and an optional embedded IPv4 tail). */
export function isIPv6(text: string): boolean {
  return parseIPv6(text) !== undefined;
}

export type AddressVerdict = 'ok' | 'bad' | 'hostname';

/**
 * One `address[/mask]` item of -s/-d (or a similar option) for a family:
 * `bad` when the kernel would refuse it whatever the machine, `hostname` when
 * iptables would have to look the name up while loading.
 */
export function checkAddress(item: string, family: 'ipv4' | 'ipv6'): AddressVerdict {
  const slash = item.indexOf('/');
  const addr = slash >= 0 ? item.slice(0, slash) : item;
  const mask = slash >= 0 ? item.slice(slash + 1) : null;
  if (!addr) return 'bad';
  if (mask !== null) {
    const max = family === 'ipv4' ? 32 : 128;
    if (/^\d+$/.test(mask)) {
      if (Number(mask) > max) return 'bad';
    } else if (!(family === 'ipv4' ? isIPv4(mask) : isIPv6(mask))) return 'bad';
  }
  if (family === 'ipv4') {
    if (isIPv4(addr)) return 'ok';
    if (/^[\d.]+$/.test(addr)) return 'bad';
    if (addr.includes(':')) return 'bad';
  } else {
    if (isIPv6(addr)) return 'ok';
    if (/^[\d.]+$/.test(addr) || addr.includes(':')) return 'bad';
  }
  return /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(addr) ? 'hostname' : 'bad';
}

/**
 * Host names every system resolves from /etc/hosts without a network, per
 * family (Debian's /etc/hosts gives `localhost` an IPv4 address only).
 */
export const LOCAL_HOSTNAMES: Record<'ipv4' | 'ipv6', ReadonlySet<string>> = {
  ipv4: new Set(['localhost', 'localhost.localdomain']),
  ipv6: new Set(['ip6-localhost', 'ip6-loopback']),
};

/** One port: a number 0–65535 or something that looks like a service name. */
function portWord(p: string): boolean {
  return /^\d+$/.test(p) ? Number(p) <= 65535 : /^[A-Za-z][A-Za-z0-9._+-]*$/.test(p);
}

/** A port by number (0–65535) or a service name; `port[:port]` ranges allowed when `range` is set. */
export function checkPort(text: string, range: boolean): boolean {
  const one = portWord;
  if (!range || (text.indexOf(':') < 0 && text.indexOf('-') < 0)) return one(text);
  // Matches write ranges as `lo:hi`, NAT targets' --to-ports as `lo-hi`.
  const parts = text.split(/[:-]/);
  if (parts.length > 2) return false;
  if (parts.length === 1) return one(parts[0]);
  return (parts[0] === '' || one(parts[0])) && (parts[1] === '' || one(parts[1]));
}

/** Protocol names iptables takes for -p besides numbers: its own list and the usual /etc/protocols entries. */
export const PROTOCOL_NAMES: ReadonlySet<string> = new Set([
  'all', 'tcp', 'udp', 'udplite', 'icmp', 'icmpv6', 'ipv6-icmp', 'esp', 'ah', 'sctp', 'mh', 'dccp',
  'ip', 'hopopt', 'igmp', 'ggp', 'ipencap', 'st', 'egp', 'igp', 'pup', 'hmp', 'xns-idp', 'rdp', 'iso-tp4',
  'xtp', 'ddp', 'idpr-cmtp', 'ipv6', 'ipv6-route', 'ipv6-frag', 'idrp', 'rsvp', 'gre', 'skip', 'ipv6-nonxt',
  'ipv6-opts', 'rspf', 'vmtp', 'eigrp', 'ospf', 'ax.25', 'ipip', 'etherip', 'encap', 'pim', 'ipcomp', 'vrrp',
  'l2tp', 'isis', 'fc', 'mobility-header', 'mpls-in-ip', 'manet', 'hip', 'shim6', 'wesp', 'rohc', 'ethernet', 'mptcp',
]);

/**
 * A NAT range for --to-destination/--to-source: `a[-b][:p[-q]]` for IPv4;
 * for IPv6 either `a[-b]` or `[a[-b]]:p[-q]` (brackets around the whole
 * range, not around each address). Either part may be left out.
 */
export function checkNatRange(text: string, family: 'ipv4' | 'ipv6'): boolean {
  if (family === 'ipv4') {
    // The common `a.b.c.d` and `a.b.c.d:port`, answered without splitting.
    const colon = text.indexOf(':');
    if (colon < 0 && text.indexOf('-') < 0) return text === '' || ipv4Number(text) >= 0;
    if (colon > 0 && text.indexOf('-') < 0 && text.indexOf('/') < 0 && text.indexOf(':', colon + 1) < 0 && ipv4Number(text.slice(0, colon)) >= 0) {
      return isPort(text, colon + 1);
    }
  }
  // Ports may end with `/base` (the offset form of newer kernels).
  const ports = (p: string) => /^\d+(-\d+)?(\/\d+)?$/.test(p) && p.split('/')[0].split('-').every((x) => Number(x) <= 65535);
  const addrs = (a: string, ok: (x: string) => boolean) => a.split('-').length <= 2 && a.split('-').every(ok);
  if (family === 'ipv4') {
    const [a, p, extra] = text.split(':');
    if (extra !== undefined) return false;
    if (a && !addrs(a, isIPv4)) return false;
    return p === undefined || ports(p);
  }
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return false;
    const rest = text.slice(close + 1);
    if (rest && !(rest.startsWith(':') && ports(rest.slice(1)))) return false;
    const inside = text.slice(1, close);
    return inside === '' || addrs(inside, isIPv6);
  }
  // `:p` is ports alone; `::5` is an address.
  return text.startsWith(':') && !text.startsWith('::') ? ports(text.slice(1)) : addrs(text, isIPv6);
}
