/**
 * Where the "Trace a packet from here" lens goes: the declaration of each
 * built-in chain, in save form (`:INPUT ACCEPT [0:0]`, `-P INPUT DROP`) and
 * in listing form (`Chain INPUT (policy ACCEPT …)`). A line scan, not a
 * parse, so the lens costs nothing on large dumps.
 */
export interface BuiltinChainLine {
  /** 0-based line. */
  line: number;
  chain: string;
  /** The table the chain sits in when the dump says so (`*nat` above it), else null. */
  table: string | null;
}

const SAVE_DECL = /^:(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING)\s/;
const SAVE_POLICY = /^-P\s+(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING)\s/;
const LISTING = /^Chain\s+(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING)\s+\(policy\b/;
const TABLE = /^\*(\w+)/;
/** A pasted command line (`[root@host ~]# iptables -t nat -nvL`) names the table of the listing below it. */
const LISTING_TABLE = /(?:^|[\s#$>])(?:\S*\/)?ip6?tables(?:-legacy|-nft)?\s(?:.*\s)?(?:-t\s*|--table[=\s]+)(\w+)/;

export function builtinChainLines(text: string): BuiltinChainLine[] {
  const out: BuiltinChainLine[] = [];
  let table: string | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const t = TABLE.exec(line) ?? LISTING_TABLE.exec(line);
    if (t) {
      table = t[1];
      continue;
    }
    const m = SAVE_DECL.exec(line) ?? SAVE_POLICY.exec(line) ?? LISTING.exec(line);
    if (m) out.push({ line: i, chain: m[1], table });
  }
  return out;
}
