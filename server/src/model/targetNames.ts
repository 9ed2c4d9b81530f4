import type { TargetKind } from './types';

/**
 * Names of the target extensions iptables knows (upper case, as written after
 * `-j`). The model needs them to tell `-j DNAT` (an extension) from `-j X`
 * (a jump to chain X) without consulting the knowledge table, which sits above
 * the model. A chain of the same name wins, as in iptables.
 */
export const TARGET_EXTENSION_NAMES: ReadonlySet<string> = new Set([
  'AUDIT', 'CHECKSUM', 'CLASSIFY', 'CLUSTERIP', 'CONNMARK', 'CONNSECMARK', 'CT', 'DNAT', 'DNPT', 'DSCP',
  'ECN', 'HL', 'HMARK', 'IDLETIMER', 'LED', 'LOG', 'MARK', 'MASQUERADE', 'NETMAP', 'NFLOG', 'NFQUEUE',
  'NOTRACK', 'RATEEST', 'REDIRECT', 'REJECT', 'SECMARK', 'SET', 'SNAT', 'SNPT', 'SYNPROXY', 'TCPMSS',
  'TCPOPTSTRIP', 'TEE', 'TOS', 'TPROXY', 'TRACE', 'TTL', 'ULOG', 'MIRROR', 'SAME', 'IPV4OPTSSTRIP',
  'NETLINK', 'ROUTE', 'TARPIT', 'DELUDE', 'CHAOS', 'SYSRQ', 'LOGMARK', 'ACCOUNT', 'IPMARK',
]);

/** Verdicts built into iptables itself. */
export const STANDARD_TARGETS: ReadonlySet<string> = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE']);

/** Whether a name is a verdict or a target extension (which a chain of the same name would shadow). */
export function isTargetName(name: string): boolean {
  return STANDARD_TARGETS.has(name) || TARGET_EXTENSION_NAMES.has(name);
}

/** The verdicts and target extensions by the length of their names. */
const BY_LENGTH: string[][] = [];
for (const name of [...STANDARD_TARGETS, ...TARGET_EXTENSION_NAMES]) (BY_LENGTH[name.length] ??= []).push(name);

/**
 * The verdict or target extension written at text[start, end), as the one
 * string the model keeps for that name; null when it is none. Spares a new
 * string (and hashing it) for each of the tens of thousands of `-j DNAT`.
 */
export function targetNameAt(text: string, start: number, end: number): string | null {
  const names = BY_LENGTH[end - start];
  if (!names) return null;
  for (const name of names) if (namedAt(text, start, end, name)) return name;
  return null;
}

/** Whether text[start, end) is exactly `name`. */
export function namedAt(text: string, start: number, end: number, name: string): boolean {
  const n = name.length;
  if (n !== end - start) return false;
  // Compared from the end: chain names of one family share their start (KUBE-SEP-…).
  for (let i = n - 1; i >= 0; i--) if (text.charCodeAt(start + i) !== name.charCodeAt(i)) return false;
  return true;
}

/** Every target kind, in a fixed order: rules that pack their target's kind into a number store its place here. */
export const TARGET_KINDS: readonly TargetKind[] = ['jump', 'goto', 'accept', 'drop', 'reject', 'return', 'queue', 'extension', 'none'];

/** The place of a kind in TARGET_KINDS. */
export function targetKindCode(kind: TargetKind): number {
  switch (kind) {
    case 'jump': return 0;
    case 'goto': return 1;
    case 'accept': return 2;
    case 'drop': return 3;
    case 'reject': return 4;
    case 'return': return 5;
    case 'queue': return 6;
    case 'extension': return 7;
    case 'none': return 8;
  }
}
