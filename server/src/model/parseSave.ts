import { ASK_THE_MAP, ChainHashes } from './chainHashes';
import { finishTable, newChain, settleTarget } from './finishTable';
import { RuleStore, SaveChain, SaveRule } from './saveRule';
import { compareSpans, lineSpan, trimmedEnd } from './span';
import { namedAt, targetNameAt } from './targetNames';
import { firstOddBlank, tokenizeLine, type Token } from './tokenize';
import {
  isBuiltinChain, TABLE_NAMES,
  type Chain, type Counters, type Family, type Problem, type Rule, type Ruleset, type Span, type Table,
} from './types';

/** `[root@host ~]# iptables -t nat -S` and the like: the command that produced what follows. */
const PROMPT_COMMAND = /^(?:\[[^\]]*\]\s*[#$]|[\w.@:~/-]*[#$]|\$|#+)\s*(?:sudo\s+)?(?:\S*\/)?(ip6?tables(?:-legacy|-nft)?(?:-save)?)\b(.*)$/;

/** Reads the table name out of `-t nat` / `--table=nat` in a pasted command line. */
export function tableFromCommand(args: string): string | null {
  const m = /(?:^|\s)(?:-t\s*|--table[=\s]\s*)(\w+)/.exec(args);
  return m ? m[1] : null;
}

/**
 * Guesses a table from the built-in chains it has: nat is the only table with
 * both PREROUTING and INPUT but no FORWARD; raw has PREROUTING without INPUT;
 * mangle has all five; filter has none of PREROUTING/POSTROUTING.
 */
export function tableFromBuiltins(names: Iterable<string>): { table: string; ambiguous: boolean } {
  const s = new Set(names);
  const pre = s.has('PREROUTING');
  const post = s.has('POSTROUTING');
  const input = s.has('INPUT');
  const fwd = s.has('FORWARD');
  if (pre && post && fwd) return { table: 'mangle', ambiguous: false };
  if ((pre || post) && input && !fwd) return { table: 'nat', ambiguous: false };
  if (post && !fwd && !pre) return { table: 'nat', ambiguous: false };
  if (pre && !input && !post && !fwd) return { table: 'raw', ambiguous: !s.has('OUTPUT') };
  if (fwd && !pre && !post) return { table: 'filter', ambiguous: false };
  if (input || s.has('OUTPUT')) return { table: 'filter', ambiguous: true };
  if (pre || post) return { table: 'mangle', ambiguous: true };
  return { table: 'filter', ambiguous: true };
}

/** `[0:0]`, by far the most common pair: one shared, frozen object. */
const NO_COUNTS: Counters = Object.freeze({ packets: 0, bytes: 0 });

/** `[packets:bytes]` filling raw[from, to) exactly, or null (the one reader of counters, for chain lines and rule prefixes). */
function countersAt(raw: string, from: number, to: number): Counters | null {
  if (raw.charCodeAt(from) !== 91 || raw.charCodeAt(to - 1) !== 93) return null;
  if (to - from === 5 && raw.charCodeAt(from + 1) === 48 && raw.charCodeAt(from + 2) === 58 && raw.charCodeAt(from + 3) === 48) return NO_COUNTS;
  const colon = raw.indexOf(':', from);
  if (colon < 0 || colon >= to) return null;
  const packets = digitsAt(raw, from + 1, colon);
  const bytes = digitsAt(raw, colon + 1, to - 1);
  if (packets < 0 || bytes < 0) return null;
  return packets === 0 && bytes === 0 ? NO_COUNTS : { packets, bytes };
}

/** The number written in raw[from, to) with digits only, or -1. */
function digitsAt(raw: string, from: number, to: number): number {
  if (to <= from) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  // Up to 15 digits the sum is exact; longer numbers are read as Number reads them.
  return to - from <= 15 ? n : Number(raw.slice(from, to));
}

/** Where a line's content ends, leaving out trailing blanks and a \r. */
export function contentEnd(line: string): number {
  return trimmedEnd(line, 0, line.length);
}

/**
 * Whether raw[from, to) has a tab, CR, VT, FF or double quote: a line the
 * tokenizer must read. Blanks other than the space are looked for only when
 * the text has some (see RuleStore.oddBlanks).
 */
function hasOddWord(raw: string, from: number, to: number, oddBlanks: boolean): boolean {
  const quote = raw.indexOf('"', from);
  if (quote >= 0 && quote < to) return true;
  if (!oddBlanks) return false;
  for (let k = from; k < to; k++) {
    const c = raw.charCodeAt(k);
    if (c === 9 || c === 11 || c === 12 || c === 13) return true;
  }
  return false;
}

/** Whether a word may be a target or chain name (not an option, not a negation). */
function isNameStart(c: number): boolean {
  return c !== 45 && c !== 33 && c !== 34;
}

/**
 * Where the line's last double quote is, given the first at `at`; -1 when a
 * quote is left open at the end of the line. A backslash inside quotes
 * escapes the next character.
 */
function lastClosingQuote(raw: string, at: number): number {
  let open = at;
  for (;;) {
    let close = raw.indexOf('"', open + 1);
    let escape = raw.indexOf('\\', open + 1);
    while (escape >= 0 && (close < 0 || escape < close)) {
      close = raw.indexOf('"', escape + 2);
      escape = raw.indexOf('\\', escape + 2);
    }
    if (close < 0) return -1;
    open = raw.indexOf('"', close + 1);
    if (open < 0) return close;
  }
}

/** The last ` -j ` at or after `from`, or -1; looked for from the line's end, where the target usually is. */
function lastJumpWord(raw: string, from: number): number {
  const at = raw.lastIndexOf(' -j ');
  return at >= from ? at : -1;
}

/** Where `findTargetWord` found the target word: its offset, length and whether it is a goto; at < 0 when none. */
const targetWord = { at: -1, len: 0, goto: false };

/**
 * Finds the last ` -j NAME` (or the first ` -g `/` --jump `/` --goto ` after
 * it) outside quotes into `targetWord`; false when there is none or a quote
 * follows it (the last quote of the line is at `lastQuote`, -1 for none).
 */
function findTargetWord(raw: string, from: number, lastQuote: number): boolean {
  // -j is by far the most common; the others are looked for only after it (or everywhere when it is absent).
  let at = lastJumpWord(raw, from);
  let len = 4;
  let goto = false;
  const after = at >= 0 ? at : from;
  // Usually nothing that starts with a dash follows the -j target: then no -g/--jump/--goto can either.
  if (at < 0 || raw.indexOf(' -', at + 3) >= 0) {
    let k = raw.indexOf(' -g ', after);
    if (k >= from && k > at) { at = k; len = 4; goto = true; }
    k = raw.indexOf(' --jump ', after);
    if (k >= from && k > at) { at = k; len = 8; goto = false; }
    k = raw.indexOf(' --goto ', after);
    if (k >= from && k > at) { at = k; len = 8; goto = true; }
  }
  if (at < 0 || at < lastQuote) return false;
  targetWord.at = at;
  targetWord.len = len;
  targetWord.goto = goto;
  return true;
}

/**
 * Enters a new chain in its table's map by name; false, with the map as it
 * was, when the name is there already. One look into the map, not two: a
 * name seen before shows as a map that did not grow, and gets its entry back.
 * A new chain also goes into the table's hashes, named by raw[nameStart, nameEnd).
 */
function addChain(t: Table, chain: Chain, hashes: ChainHashes, raw: string, nameStart: number, nameEnd: number): boolean {
  const name = chain.name;
  const known = t.chainsByName.size;
  t.chainsByName.set(name, chain);
  if (t.chainsByName.size > known) {
    hashes.add(raw, nameStart, nameEnd, t.chains.length);
    return true;
  }
  const before = t.chains.find((c) => c.name === name);
  if (before) t.chainsByName.set(name, before);
  else t.chainsByName.delete(name);
  return false;
}

/** What `scanAppend` read from the last line it accepted. */
const scanned = { nameStart: 0, nameEnd: 0, argOffset: 0, end: 0, targetStart: -1, targetEnd: -1 };

/**
 * Reads `-A CHAIN … -j TARGET` (the `-A ` at `first`) without tokenizing the
 * whole line, into `scanned`; false when the line needs the tokenizer (tabs,
 * quotes in the way, odd shapes).
 */
function scanAppend(raw: string, first: number, oddBlanks = true): boolean {
  const end = contentEnd(raw);
  // The tokenizer also parts words at a tab, a CR inside the line, VT and FF: leave such lines to it.
  if (oddBlanks && firstOddBlank(raw) < end) return false;
  // An unclosed quote swallows the rest of the line, target included: leave it to the tokenizer.
  const quote = raw.indexOf('"');
  const lastQuote = quote >= 0 ? lastClosingQuote(raw, quote) : -1;
  if (quote >= 0 && lastQuote < 0) return false;
  let i = first + 3;
  while (raw.charCodeAt(i) === 32) i++;
  const nameStart = i;
  let nameEnd = raw.indexOf(' ', i);
  if (nameEnd < 0 || nameEnd > end) nameEnd = end;
  if (nameEnd <= nameStart || (quote >= nameStart && quote < nameEnd)) return false;
  i = nameEnd;
  while (raw.charCodeAt(i) === 32) i++;
  const argOffset = i;
  let targetStart = -1;
  let targetEnd = -1;
  if (findTargetWord(raw, nameEnd, lastQuote)) {
    let s = targetWord.at + targetWord.len;
    while (raw.charCodeAt(s) === 32) s++;
    let e = raw.indexOf(' ', s);
    if (e < 0 || e > end) e = end;
    if (e <= s || !isNameStart(raw.charCodeAt(s))) return false;
    targetStart = s;
    targetEnd = e;
  } else if (/(?:^|\s)(?:-j|-g|--jump|--goto)(?:\s|$)/.test(raw)) return false;
  scanned.nameStart = nameStart;
  scanned.nameEnd = nameEnd;
  scanned.argOffset = argOffset;
  scanned.end = end;
  scanned.targetStart = targetStart;
  scanned.targetEnd = targetEnd;
  return true;
}

/** The counters `countedAppend` read last. */
let countedPrefix: Counters | null = null;

/**
 * Where `-A ` starts after a `[packets:bytes] ` prefix at `first` (the
 * counters go to `countedPrefix`); -1 when the line is not shaped so.
 */
function countedAppend(raw: string, first: number): number {
  const space = raw.indexOf(' ', first);
  if (space < 0) return -1;
  const counters = countersAt(raw, first, space);
  if (!counters) return -1;
  let at = space;
  while (raw.charCodeAt(at) === 32) at++;
  if (raw.charCodeAt(at) !== 45 || raw.charCodeAt(at + 1) !== 65 || raw.charCodeAt(at + 2) !== 32) return -1;
  countedPrefix = counters;
  return at;
}

/**
 * The rule `scanAppend` just read, in `chain`, added to the store as numbers;
 * its slot. The line's content starts at `first` (a counters prefix, or the
 * -A). `target` is the chain the target names or its name, when the caller
 * has either already.
 */
function scannedRule(chain: Chain, store: RuleStore, lineAt: number, raw: string, first: number, ln: number, counters: Counters | null = null, target: Chain | string | null = null): number {
  const { nameStart, nameEnd, argOffset, end, targetStart, targetEnd } = scanned;
  const slot = store.add(chain, ln, lineAt, first, end, nameStart, nameEnd, 'append', argOffset, counters);
  if (targetStart >= 0) store.setTarget(slot, target ?? raw.slice(targetStart, targetEnd), targetWord.goto, targetStart, targetEnd, targetWord.at + 1);
  return slot;
}

/**
 * What the arguments of every rule that ipv6Evidence answers yes for
 * contain: "icmp" in any case (an icmp6 match, an icmp6-… reject, -p
 * ipv6-icmp), or `-m` with an IPv6 extension header match or an address with
 * a colon after -s/-d (options are case-sensitive). A rule without any
 * cannot say IPv6 and need not be parsed to know it.
 */
const IPV6_HINTS: readonly RegExp[] = [
  /icmp/gi,
  /\s(?:-m|--match)\s+(?:ipv6header|frag|mh|rt|hbh|dst|eui64)(?!\S)|\s(?:-s|-d|--source|--destination|--src|--dst)\s+(?:!\s+)?[^\s:]*:/g,
];

/** Whether a line has one of IPV6_HINTS. */
function hasIpv6Hint(line: string): boolean {
  return IPV6_HINTS.some((re) => {
    re.lastIndex = 0;
    return re.test(line);
  });
}

/** Whether some line is `*NAME` (blanks before the star allowed): found by its star, which dumps hardly use elsewhere. */
function hasTableLine(text: string): boolean {
  for (let star = text.indexOf('*'); star >= 0; star = text.indexOf('*', star + 1)) {
    const c = text.charCodeAt(star + 1);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) continue;
    let i = star - 1;
    while (i >= 0 && /\s/.test(text[i]) && text[i] !== '\n') i--;
    if (i < 0 || text[i] === '\n') return true;
  }
  return false;
}

/** Whether a rule says ip6tables: an IPv6-only match, an IPv6 address, or an icmp6-… reject. */
function ipv6Evidence(rule: Rule): boolean {
  for (const m of rule.matches) {
    if (m.module === 'icmp6' || m.module === 'ipv6header' || m.module === 'frag' || m.module === 'mh' || m.module === 'rt' || m.module === 'hbh' || m.module === 'dst' || m.module === 'eui64') return true;
    if ((m.module === 'source' || m.module === 'destination') && m.options[0]?.value?.includes(':')) return true;
  }
  // REJECT replies exist for one family only: icmp6-* says ip6tables.
  return rule.target?.name === 'REJECT' && rule.target.options.some((o) => o.value?.startsWith('icmp6-'));
}

/**
 * Whether some rule still in a chain (numbered by finishTable) gives
 * ipv6Evidence. The hints are looked for in the whole text, each pattern
 * once from where the last search stopped, and only the rules on the lines
 * they hit are read: an IPv4 dump of 100k rules has hardly any.
 * `store` holds every rule read, in line order.
 */
function looksIpv6(text: string, store: RuleStore): boolean {
  if (!store.size) return false;
  // Where each pattern next hits at or after `from`: -2 not looked for yet, -1 nowhere.
  const next = IPV6_HINTS.map(() => -2);
  let from = 0;
  for (;;) {
    let hit = -1;
    for (let k = 0; k < IPV6_HINTS.length; k++) {
      if (next[k] !== -1 && next[k] < from) {
        const re = IPV6_HINTS[k];
        re.lastIndex = from;
        next[k] = re.exec(text)?.index ?? -1;
      }
      if (next[k] >= 0 && (hit < 0 || next[k] < hit)) hit = next[k];
    }
    if (hit < 0) return false;
    // The last rule whose line starts at or before the hit; the hit is its only if it is before that line's end.
    let lo = 0;
    let hi = store.size - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (store.lineStartOf(mid) <= hit) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = store.lineStartOf(lo);
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    if (lineStart > hit || hit >= lineEnd) {
      from = hit + 1;
      continue;
    }
    const rule = store.rule(lo);
    if (rule.index >= 1 && IPV6_HINTS.some((re) => rule.argsMatch(re)) && ipv6Evidence(rule)) return true;
    from = lineEnd + 1;
  }
}

/** What parseSave makes: a class, not an object literal, since a literal with a getter is slow to make. */
class SaveRuleset implements Ruleset {
  readonly format = 'save';
  private all: Problem[] | null = null;

  constructor(
    /** The family a header or pasted command said; null: guessed from the rules when first asked (see looksIpv6). */
    private said: Family | null,
    private readonly text: string,
    readonly tables: Table[],
    readonly lineCount: number,
    readonly lineProblems: Problem[],
    readonly rulesDropped: boolean,
    readonly patchLines: NonNullable<Ruleset['patchLines']>,
    /** Every rule read, including those a later -F flushed: iptables-restore reads their lines too. */
    private readonly store: RuleStore,
  ) {}

  /**
   * IPv4 unless a header or command said IPv6 or a rule does. The rules are
   * looked at when the family is first asked for, not while parsing: the
   * graph does not need it, and on a 50 MB `-S` paste the look costs a
   * tenth of the parse.
   */
  get family(): Family {
    return (this.said ??= looksIpv6(this.text, this.store) ? 'ipv6' : 'ipv4');
  }

  set family(value: Family) {
    this.said = value;
  }

  /** Reading the problems parses every rule's arguments first, so the list is complete. */
  get problems(): Problem[] {
    if (!this.all) {
      const found = this.lineProblems.slice();
      const store = this.store;
      for (let slot = 0; slot < store.size; slot++) for (const p of store.rule(slot).ownProblems()) found.push(p);
      this.all = found.sort((a, b) => compareSpans(a.span, b.span));
    }
    return this.all;
  }

  /** Called when rules changed in place: their problems are gathered again when next asked for. */
  forgetProblems(): void {
    this.all = null;
  }
}

/**
 * What parseSave keeps while it reads, and the readers of the lines it takes
 * on quick paths. Methods of one class rather than closures made afresh by
 * every parse: code optimized during one parse calls the same functions in
 * the next, instead of being thrown away because the closure it had inlined
 * is not the one called now ("wrong call target").
 */
class SaveReader {
  // The line being read, where it starts in the text, and the line before it.
  current = '';
  currentAt = 0;
  previous = '';
  readonly problems: Problem[] = [];
  readonly tables: Table[] = [];
  readonly store: RuleStore;
  family: Family | null = null;
  table: Table | null = null;
  // `iptables -S` output has no `*table` lines: its rules go to one implicit table.
  implicitTable: Table | null = null;
  hintedTable: string | null = null;
  readonly hasTableLines: boolean;

  // The chain of the last `-A` line read quickly: dumps list a chain's rules one after another.
  lastChain: Chain | null = null;
  lastChainTable: Table | null = null;
  // Where that line wrote the chain name.
  lastName = '';
  // Tables where -X deleted chains: jumps resolved while reading may name a chain that is gone.
  readonly deletedIn = new Set<Table>();
  // Each table's chains by the hashes of their names (see ChainHashes), and the last table asked for.
  readonly hashesByTable = new Map<Table, ChainHashes>();
  hashesTable: Table | null = null;
  hashes: ChainHashes | null = null;
  // Whether -F or -X took rules out of every chain (see Ruleset.rulesDropped).
  rulesDropped = false;

  constructor(text: string) {
    this.store = new RuleStore(text);
    this.hasTableLines = hasTableLine(text);
  }

  /** A table whose first line is the one being read, `line`. */
  openTable(name: string, nameSpan: Span | null, line: number): Table {
    const t: Table = {
      name, nameSpan, span: lineSpan(line, 0, this.current.length),
      chains: [], chainsByName: new Map(), commitSpan: null,
    };
    this.tables.push(t);
    return t;
  }

  /** Ends a table at line `endLine`, whose text is `endText`. */
  closeTable(t: Table, endLine: number, endText: string) {
    t.span = { line: t.span.line, start: t.span.start, endLine, end: endText.replace(/\r$/, '').length };
    finishTable(t, true, this.deletedIn.has(t));
  }

  /** The table a command line belongs in; `tok` is its first word (only read when the line is outside every table). */
  tableForCommand(line: number, lineText: string, tok: Token | null): Table | null {
    if (this.table) return this.table;
    if (this.hasTableLines) {
      // iptables-restore refuses a `:CHAIN` line outside a table but accepts a file with -A/-N/-P lines there.
      const chainLine = tok!.text.startsWith(':');
      this.problems.push({
        span: lineSpan(line, tok!.start, lineText.replace(/\s+$/, '').length), severity: chainLine ? 'error' : 'warning', code: 'rule-outside-table',
        message: chainLine
          ? 'This line is outside any table: put it between a `*table` line and COMMIT.'
          : 'This line is outside any table: iptables-restore accepts the file but this line does not belong to any table; move it between a `*table` line and COMMIT.',
      });
      return null;
    }
    if (!this.implicitTable || (this.hintedTable && this.implicitTable.name !== this.hintedTable && this.implicitTable.chains.length > 0)) {
      this.implicitTable = this.openTable(this.hintedTable ?? 'filter', null, line);
      this.implicitTable.tableSource = this.hintedTable ? 'command' : 'default';
    } else if (this.hintedTable && this.implicitTable.name !== this.hintedTable) {
      this.implicitTable.name = this.hintedTable;
      this.implicitTable.tableSource = 'command';
    }
    return this.implicitTable;
  }

  chainFor(t: Table, name: string, line: number, create: boolean): Chain | null {
    let chain = t.chainsByName.get(name);
    if (!chain && create) {
      chain = newChain(name, t.name, isBuiltinChain(t.name, name), lineSpan(line, 0, 0));
      this.hashesOf(t).add(name, 0, name.length, t.chains.length);
      chain.index = t.chains.length;
      t.chains.push(chain);
      t.chainsByName.set(name, chain);
    }
    return chain ?? null;
  }


  /** Chain for an `-A`/`-I` line, reporting a user chain that was never declared. */
  ruleChain(t: Table, name: string, ln: number, start: number, end: number): Chain {
    let chain = t.chainsByName.get(name);
    if (!chain) {
      chain = this.chainFor(t, name, ln, true)!;
      if (!chain.builtin && t.nameSpan !== null) {
        this.problems.push({
          span: lineSpan(ln, start, end), severity: 'error', code: 'undeclared-chain',
          message: `Chain ${name} is not declared in table ${t.name}: add \`:${name} - [0:0]\` after the \`*${t.name}\` line.`,
          data: { chain: name, table: t.name },
        });
      }
    }
    return chain;
  }

  /** Table t's ChainHashes, made on first use. */
  hashesOf(t: Table): ChainHashes {
    if (t === this.hashesTable) return this.hashes!;
    let h = this.hashesByTable.get(t);
    if (!h) this.hashesByTable.set(t, (h = new ChainHashes(t.chains)));
    this.hashesTable = t;
    return (this.hashes = h);
  }

  /**
   * `-A CHAIN … -j TARGET` read without tokenizing the whole line; false when
   * the line needs the full tokenizer (tabs, quotes in the way, odd shapes).
   */
  appendFast(t: Table, raw: string, first: number, ln: number, append = first, counters: Counters | null = null): boolean {
    if (!scanAppend(raw, append, this.store.oddBlanks)) return false;
    const { nameStart, nameEnd } = scanned;
    let chain = this.lastChain;
    // Compared with the name cut from the previous -A line, which is still in the cache, rather than with the
    // chain's own string; a slice and one string comparison beat comparing character by character in a loop.
    const chainName = raw.slice(nameStart, nameEnd);
    if (!chain || this.lastChainTable !== t || chainName !== this.lastName) {
      // iptables-save lists rules chain by chain in the order it declared them: try the chains declared next.
      chain = null;
      if (this.lastChain && this.lastChainTable === t && t.chains[this.lastChain.index] === this.lastChain) {
        const stop = Math.min(t.chains.length, this.lastChain.index + 9);
        for (let k = this.lastChain.index + 1; k < stop; k++) {
          if (namedAt(raw, nameStart, nameEnd, t.chains[k].name)) {
            chain = t.chains[k];
            break;
          }
        }
      }
      chain ??= this.ruleChain(t, chainName, ln, nameStart, nameEnd);
      this.lastChain = chain;
      this.lastChainTable = t;
    }
    this.lastName = chainName;
    // Resolve a jump to a chain declared above now, from the characters on the line (see ChainHashes).
    // The name is cut from the line only for a small table's name map, or when no chain has it yet, for
    // finishTable to settle.
    const { targetStart: ts, targetEnd: te } = scanned;
    let name: string | null = null;
    let to: Chain | undefined;
    // No target extension or verdict has a dash in its name: KUBE-SEP-… needs no look at those lists.
    if (ts >= 0 && (name = targetNameAt(raw, ts, te)) === null) {
      // Positions in t.chains hold until -X deletes a chain.
      const at = this.deletedIn.size !== 0 && this.deletedIn.has(t) ? ASK_THE_MAP : this.hashesOf(t).find(raw, ts, te);
      if (at >= 0) to = t.chains[at];
      else if (at === ASK_THE_MAP) to = t.chainsByName.get((name = raw.slice(ts, te)));
      if (!to) name ??= raw.slice(ts, te);
    }
    const slot = scannedRule(chain, this.store, this.currentAt, raw, first, ln, counters, to ?? name);
    // A chain read from its own line keeps the rule as numbers until something asks for its rules.
    if (chain instanceof SaveChain) chain.addSlot(slot);
    else chain.rules.push(this.store.make(slot));
    return true;
  }

  /** `[packets:bytes] -A CHAIN … -j TARGET` read as appendFast reads it; false when the line needs the general path. */
  appendCounted(t: Table, raw: string, first: number, ln: number): boolean {
    const at = countedAppend(raw, first);
    return at >= 0 && this.appendFast(t, raw, first, ln, at, countedPrefix);
  }

  /**
   * A new chain's `:NAME POLICY [packets:bytes]` line read without the
   * tokenizer; false when the line needs the general path (tabs, quotes, a
   * chain seen before, a policy or counters worth a problem).
   */
  declareFast(t: Table, raw: string, first: number, ln: number): boolean {
    const end = contentEnd(raw);
    if (hasOddWord(raw, first, end, this.store.oddBlanks)) return false;
    const nameEnd = raw.indexOf(' ', first + 1);
    if (nameEnd <= first + 1 || nameEnd >= end) return false;
    let p = nameEnd;
    while (raw.charCodeAt(p) === 32) p++;
    const policyEnd = raw.indexOf(' ', p);
    if (policyEnd < 0 || policyEnd >= end) return false;
    let c = policyEnd;
    while (raw.charCodeAt(c) === 32) c++;
    const counters = countersAt(raw, c, end);
    if (!counters) return false;
    const name = raw.slice(first + 1, nameEnd);
    const builtin = isBuiltinChain(t.name, name);
    const policy = policyEnd - p === 1 && raw.charCodeAt(p) === 45 ? null : raw.slice(p, policyEnd);
    if (builtin ? policy !== null && policy !== 'ACCEPT' && policy !== 'DROP' : policy !== null) return false;
    const chain = new SaveChain(name, t.name, builtin, policy, counters, this.store, ln, first, first + 1, nameEnd, p, policyEnd, end);
    if (!addChain(t, chain, this.hashesOf(t), raw, first + 1, nameEnd)) return false;
    chain.index = t.chains.length;
    t.chains.push(chain);
    return true;
  }

  /** `-N NAME` (iptables -S output) read without the tokenizer; false when the line needs the general path. */
  newChainFast(t: Table, raw: string, first: number, ln: number): boolean {
    const end = contentEnd(raw);
    let nameStart = first + 3;
    while (raw.charCodeAt(nameStart) === 32) nameStart++;
    if (nameStart >= end || hasOddWord(raw, nameStart, end, this.store.oddBlanks)) return false;
    const space = raw.indexOf(' ', nameStart);
    if (space >= 0 && space < end) return false;
    const name = raw.slice(nameStart, end);
    const chain = new SaveChain(name, t.name, isBuiltinChain(t.name, name), null, null, this.store, ln, first, nameStart, end, -1, -1, end);
    if (!addChain(t, chain, this.hashesOf(t), raw, nameStart, end)) return false;
    chain.index = t.chains.length;
    t.chains.push(chain);
    return true;
  }
}

/**
 * Parses iptables-save / ip6tables-save output, iptables-restore input and
 * `iptables -S` output (several dumps pasted together are fine). Never throws:
 * whatever cannot be read becomes a problem on its line, and the rest still
 * makes a model.
 */
export function parseSave(text: string): Ruleset {
  const r = new SaveReader(text);
  const store = r.store;

  // Line by line, each line cut from the text as it comes: none is kept for longer than its reading.
  let lineCount = 0;
  for (let ln = 0, lineStart = 0; lineStart <= text.length; ln++) {
    let eol = text.indexOf('\n', lineStart);
    if (eol < 0) eol = text.length;
    const raw = text.slice(lineStart, eol);
    r.previous = r.current;
    r.current = raw;
    r.currentAt = lineStart;
    lineStart = eol + 1;
    lineCount = ln + 1;
    // Skip blank lines quickly.
    let first = 0;
    while (first < raw.length && (raw.charCodeAt(first) === 32 || raw.charCodeAt(first) === 9 || raw.charCodeAt(first) === 13)) first++;
    if (first >= raw.length) continue;
    const c0 = raw.charCodeAt(first);

    if (c0 === 35 /* # */) {
      if (raw.includes('ip6tables')) {
        if (/Generated by ip6tables|ip6tables-(?:legacy-|nft-)?save/.test(raw)) r.family = r.family ?? 'ipv6';
      } else if (/Generated by (?:iptables|xtables)/.test(raw)) r.family = r.family ?? 'ipv4';
      const pm = PROMPT_COMMAND.exec(raw.trim());
      if (pm && !raw.startsWith('# Generated') && !raw.startsWith('# Completed')) {
        if (pm[1].startsWith('ip6')) r.family = r.family ?? 'ipv6';
        r.hintedTable = tableFromCommand(pm[2]) ?? (/-S|--list-rules/.test(pm[2]) ? 'filter' : r.hintedTable);
      }
      continue;
    }

    if (c0 === 42 /* * */) {
      if (r.table) {
        // iptables-restore names this line ("Bad argument `*nat'"), so the error sits here.
        r.problems.push({
          span: lineSpan(ln, first, raw.replace(/\s+$/, '').length), severity: 'error', code: 'missing-commit',
          message: `Table ${r.table.name} (line ${r.table.span.line + 1}) has no COMMIT before this table starts: iptables-restore refuses the file here.`,
          data: { table: r.table.name, insertLine: ln },
        });
        r.closeTable(r.table, ln - 1, r.previous);
      }
      const name = raw.slice(first + 1).trim();
      const nameSpan = lineSpan(ln, first + 1, first + 1 + name.length);
      if (!(TABLE_NAMES as readonly string[]).includes(name)) {
        r.problems.push({
          span: nameSpan, severity: 'error', code: 'unknown-table',
          message: `There is no table "${name}": the tables are ${TABLE_NAMES.join(', ')}.`,
        });
      }
      r.table = r.openTable(name, nameSpan, ln);
      continue;
    }

    // The common case in large dumps: `-A CHAIN … -j TARGET` inside a table (or in `iptables -S` output, which has none), no tabs.
    if (c0 === 45 && raw.charCodeAt(first + 1) === 65 && raw.charCodeAt(first + 2) === 32 && (r.table || !r.hasTableLines)) {
      if (r.appendFast(r.table ?? r.tableForCommand(ln, raw, null)!, raw, first, ln)) continue;
    }
    // The same after `[packets:bytes] ` (iptables-save -c).
    if (c0 === 91 && r.table && r.appendCounted(r.table, raw, first, ln)) continue;
    // Any other line may create, delete or flush chains (or read their rules): look the next chain name up again.
    r.lastChain = null;
    if (c0 === 58 && r.table && r.declareFast(r.table, raw, first, ln)) continue;
    if (c0 === 45 && raw.charCodeAt(first + 1) === 78 && raw.charCodeAt(first + 2) === 32 && (r.table || !r.hasTableLines)) {
      if (r.newChainFast(r.table ?? r.tableForCommand(ln, raw, null)!, raw, first, ln)) continue;
    }

    const { tokens, unterminatedQuote } = tokenizeLine(raw);
    if (unterminatedQuote >= 0) {
      r.problems.push({
        span: lineSpan(ln, unterminatedQuote, contentEnd(raw)), severity: 'warning', code: 'unterminated-quote',
        message: 'This quote is never closed: iptables-restore accepts the line, but the quoted text swallows the rest of it, line end included.',
      });
    }
    const tok0 = tokens[0];
    if (!tok0) {
      // Only blanks the line-start check does not skip (vertical tab, form feed): iptables-restore says "Bad argument `'".
      r.problems.push({
        span: lineSpan(ln, first, contentEnd(raw)), severity: 'error', code: 'syntax',
        message: 'iptables-restore cannot read this line: it holds only blank characters such as a vertical tab or form feed, which iptables-restore does not skip.',
      });
      continue;
    }

    if (c0 === 58 /* : */) {
      const t = r.tableForCommand(ln, raw, tok0);
      if (!t) continue;
      const name = tok0.text.slice(1);
      const nameSpan = lineSpan(ln, tok0.start + 1, tok0.end);
      const polTok = tokens[1];
      const cntTok = tokens[2];
      if (!name) {
        r.problems.push({ span: lineSpan(ln, tok0.start, tok0.end), severity: 'error', code: 'syntax', message: 'A chain line needs a name: `:NAME POLICY [packets:bytes]`.' });
        continue;
      }
      const existing = t.chainsByName.get(name);
      if (existing && existing.declSpan) {
        r.problems.push({
          span: nameSpan, severity: 'warning', code: 'duplicate-chain',
          message: `Chain ${name} is declared twice in table ${t.name}; the nf_tables backend accepts it, the legacy backend refuses it.`,
          data: { first: existing.declSpan.line },
        });
        continue;
      }
      const chain = existing ?? r.chainFor(t, name, ln, true)!;
      chain.declSpan = lineSpan(ln, first, contentEnd(raw));
      chain.nameSpan = nameSpan;
      chain.span = chain.declSpan;
      if (polTok) {
        chain.policy = polTok.text === '-' ? null : polTok.text;
        chain.policySpan = lineSpan(ln, polTok.start, polTok.end);
        if (!chain.builtin && polTok.text !== '-') {
          r.problems.push({
            span: chain.policySpan, severity: 'warning', code: 'policy-on-user-chain',
            message: `User chain ${name} cannot have a policy; write "-" (the nf_tables backend ignores "${polTok.text}", legacy refuses it).`,
          });
        } else if (chain.builtin && !['ACCEPT', 'DROP', '-'].includes(polTok.text)) {
          r.problems.push({
            span: chain.policySpan, severity: 'error', code: 'invalid-policy',
            message: `"${polTok.text}" is not a policy: a built-in chain's policy is ACCEPT or DROP.`,
          });
        }
      } else {
        r.problems.push({
          span: nameSpan, severity: 'error', code: 'syntax',
          message: `Chain line for ${name} lacks a policy: write \`:${name} ${chain.builtin ? 'ACCEPT' : '-'} [0:0]\`.`,
        });
      }
      if (cntTok) {
        const counters = countersAt(cntTok.text, 0, cntTok.text.length);
        if (counters) chain.counters = counters;
        else {
          // Without --counters iptables-restore ignores chain counters, so a malformed pair does not stop the load.
          r.problems.push({
            span: lineSpan(ln, cntTok.start, cntTok.end), severity: 'warning', code: 'counters-malformed',
            message: `Counters must look like [packets:bytes], not ${cntTok.text}; iptables-restore ignores them unless run with --counters.`,
          });
        }
      }
      continue;
    }

    if (tok0.text === 'COMMIT') {
      if (!r.table) {
        r.problems.push({ span: lineSpan(ln, tok0.start, tok0.end), severity: 'error', code: 'rule-outside-table', message: 'COMMIT without a table: a `*table` line must come first.' });
        continue;
      }
      r.table.commitSpan = lineSpan(ln, tok0.start, tok0.end);
      r.closeTable(r.table, ln, raw);
      r.table = null;
      continue;
    }

    // A pasted shell prompt with the command that produced the dump.
    const prompt = PROMPT_COMMAND.exec(raw.trim());
    if (prompt) {
      if (prompt[1].startsWith('ip6')) r.family = r.family ?? 'ipv6';
      r.hintedTable = tableFromCommand(prompt[2]) ?? 'filter';
      continue;
    }

    // Rule lines, optionally with a [packets:bytes] prefix.
    let k = 0;
    let prefixCounters: Counters | null = null;
    if (c0 === 91 /* [ */) {
      prefixCounters = countersAt(tok0.text, 0, tok0.text.length);
      if (!prefixCounters) {
        r.problems.push({
          span: lineSpan(ln, tok0.start, tok0.end), severity: 'warning', code: 'counters-malformed',
          message: `Counters must look like [packets:bytes], not ${tok0.text}; iptables-restore ignores them unless run with --counters.`,
        });
      }
      k = 1;
    }
    const cmd = tokens[k];
    if (!cmd) continue;
    const word = cmd.text;
    switch (word) {
      case '-A': case '--append': case '-I': case '--insert': {
        const t = r.tableForCommand(ln, raw, cmd);
        if (!t) break;
        const nameTok = tokens[k + 1];
        if (!nameTok) {
          r.problems.push({ span: lineSpan(ln, cmd.start, cmd.end), severity: 'error', code: 'missing-value', message: `${word} needs a chain name.` });
          break;
        }
        let argStart = k + 2;
        let position = -1;
        const insert = word === '-I' || word === '--insert';
        if (insert) {
          const posTok = tokens[argStart];
          if (posTok && /^\d+$/.test(posTok.text)) {
            position = Number(posTok.text);
            argStart++;
          } else position = 1;
        }
        const chain = r.ruleChain(t, nameTok.text, ln, nameTok.start, nameTok.end);
        const argOffset = argStart < tokens.length ? tokens[argStart].start : raw.length;
        const rule = r.store.make(r.store.add(
          chain, ln, r.currentAt, first, contentEnd(raw), nameTok.start, nameTok.end,
          insert ? 'insert' : 'append', argOffset, prefixCounters,
        ));
        SaveRule.targetFrom(rule, tokens, argStart);
        if (insert) {
          const at = Math.min(Math.max(position - 1, 0), chain.rules.length);
          if (position > chain.rules.length + 1) {
            r.problems.push({
              span: lineSpan(ln, tokens[k + 2].start, tokens[k + 2].end), severity: 'error', code: 'bad-rule-number',
              message: `Chain ${chain.name} has ${chain.rules.length} rules here; -I can insert at positions 1 to ${chain.rules.length + 1}.`,
            });
          }
          chain.rules.splice(at, 0, rule);
        } else chain.rules.push(rule);
        break;
      }
      case '-N': case '--new-chain': {
        const t = r.tableForCommand(ln, raw, cmd);
        if (!t) break;
        const nameTok = tokens[k + 1];
        if (!nameTok) break;
        const existing = t.chainsByName.get(nameTok.text);
        if (existing?.declSpan) {
          r.problems.push({
            span: lineSpan(ln, nameTok.start, nameTok.end), severity: 'error', code: 'duplicate-chain',
            message: `Chain ${nameTok.text} already exists in table ${t.name}.`,
          });
          break;
        }
        const chain = existing ?? r.chainFor(t, nameTok.text, ln, true)!;
        chain.declSpan = lineSpan(ln, first, contentEnd(raw));
        chain.nameSpan = lineSpan(ln, nameTok.start, nameTok.end);
        chain.span = chain.declSpan;
        break;
      }
      case '-P': case '--policy': {
        const t = r.tableForCommand(ln, raw, cmd);
        if (!t) break;
        const nameTok = tokens[k + 1];
        const polTok = tokens[k + 2];
        if (!nameTok || !polTok) {
          r.problems.push({ span: lineSpan(ln, cmd.start, cmd.end), severity: 'error', code: 'missing-value', message: '-P needs a chain and a policy.' });
          break;
        }
        const chain = r.chainFor(t, nameTok.text, ln, true)!;
        chain.builtin = isBuiltinChain(t.name, nameTok.text);
        chain.declSpan = lineSpan(ln, first, contentEnd(raw));
        chain.nameSpan = lineSpan(ln, nameTok.start, nameTok.end);
        chain.span = chain.declSpan;
        chain.policy = polTok.text;
        chain.policySpan = lineSpan(ln, polTok.start, polTok.end);
        const c = tokens[k + 3];
        if (c && (c.text === '-c' || c.text === '--set-counters') && tokens[k + 5]) {
          chain.counters = { packets: Number(tokens[k + 4].text) || 0, bytes: Number(tokens[k + 5].text) || 0 };
        }
        if (!['ACCEPT', 'DROP'].includes(polTok.text)) {
          r.problems.push({
            span: chain.policySpan, severity: 'error', code: 'invalid-policy',
            message: `"${polTok.text}" is not a policy: a built-in chain's policy is ACCEPT or DROP.`,
          });
        }
        break;
      }
      case '-F': case '--flush': case '-X': case '--delete-chain': case '-Z': case '--zero': {
        const t = r.tableForCommand(ln, raw, cmd);
        if (!t) break;
        const nameTok = tokens[k + 1];
        const flush = word === '-F' || word === '--flush';
        const del = word === '-X' || word === '--delete-chain';
        const targets = nameTok ? [t.chainsByName.get(nameTok.text)].filter((c): c is Chain => !!c) : [...t.chains];
        if (flush) {
          for (const c of targets) {
            if (c.rules.length) r.rulesDropped = true;
            c.rules = [];
          }
        }
        if (del) {
          r.deletedIn.add(t);
          for (const c of targets) {
            if (c.builtin) continue;
            if (c.rules.length) r.rulesDropped = true;
            t.chains.splice(t.chains.indexOf(c), 1);
            t.chainsByName.delete(c.name);
          }
        }
        break;
      }
      default: {
        r.problems.push({
          span: lineSpan(ln, first, contentEnd(raw)), severity: 'error', code: 'syntax',
          message: `iptables-restore cannot read this line: expected *table, :CHAIN, -A, -I, -N, -P, COMMIT or a # comment.`,
        });
      }
    }
  }

  if (r.table) {
    const last = lineCount - 1;
    // iptables-restore reports "COMMIT expected at line N" for the line after the last one.
    r.problems.push({
      span: lineSpan(last, 0, r.current.replace(/\s+$/, '').length), severity: 'error', code: 'missing-commit',
      message: `Table ${r.table.name} (line ${r.table.span.line + 1}) is never committed: add COMMIT at its end, or iptables-restore refuses the file.`,
      data: { table: r.table.name, insertLine: lineCount },
    });
    r.closeTable(r.table, last, r.current);
  }
  for (const t of r.tables) {
    if (t.nameSpan) continue;
    // `iptables -S` output: name the table from its built-in chains unless a pasted command named it.
    if (t.tableSource === 'default') {
      const guess = tableFromBuiltins(t.chains.filter((c) => c.policy !== null).map((c) => c.name));
      if (!guess.ambiguous) {
        t.name = guess.table;
        t.tableSource = 'builtin-chains';
      }
    }
    for (const c of t.chains) {
      // Its rules read their table's name from the chain.
      c.table = t.name;
      c.builtin = isBuiltinChain(t.name, c.name);
    }
    t.span = { line: t.span.line, start: 0, endLine: lineCount - 1, end: 0 };
    finishTable(t, false, r.deletedIn.has(t));
  }
  r.problems.sort((a, b) => compareSpans(a.span, b.span));
  // Line → the rule's slot in the store, built on the first patch.
  let ruleOnLine: Map<number, number> | null = null;
  const patchLines = (changed: ReadonlyMap<number, string>, replaced?: [Rule, Rule][]): boolean => {
    // Without a header the family is guessed from the rules: it stays IPv4 while no line says otherwise. The
    // guess reads the text the rules came from, so it is made here, before any rule is replaced.
    if (!r.family) {
      if (result.family !== 'ipv4') return false;
      for (const raw of changed.values()) if (hasIpv6Hint(raw)) return false;
    }
    if (!ruleOnLine) {
      ruleOnLine = new Map();
      for (let slot = 0; slot < store.size; slot++) ruleOnLine.set(store.lineOf(slot), slot);
    }
    const plan: { at: number; old: SaveRule; rule: SaveRule; table: Table; chain: Chain }[] = [];
    for (const [ln, raw] of changed) {
      const at = ruleOnLine.get(ln);
      if (at === undefined) return false;
      const old = store.rule(at);
      if (old.command !== 'append' || old.index < 1) return false;
      // A `*table` block, or the one table of `iptables -S` output; the rule must still be where it was in it.
      const table = r.tables.find((t) => t.name === old.table && t.span.line <= ln && ln <= t.span.endLine);
      const chain = table?.chainsByName.get(old.chain);
      // Declared above the line, so reading the line raises nothing; still holding the old rule (no -F/-X since).
      if (!table || !chain || chain.rules[old.index - 1] !== old || !chain.declSpan || chain.declSpan.line >= ln) return false;
      for (const p of r.problems) if (p.span.line <= ln && ln <= p.span.endLine) return false;
      let first = 0;
      while (first < raw.length && (raw.charCodeAt(first) === 32 || raw.charCodeAt(first) === 9 || raw.charCodeAt(first) === 13)) first++;
      // `-A …`, or `[packets:bytes] -A …` as iptables-save -c writes it.
      const append = raw.startsWith('-A ', first) ? first : raw.charCodeAt(first) === 91 ? countedAppend(raw, first) : -1;
      if (append < 0 || !scanAppend(raw, append)) return false;
      if (scanned.nameEnd - scanned.nameStart !== chain.name.length || !raw.startsWith(chain.name, scanned.nameStart)) return false;
      // The new line is not in the text the model was read from: its rule reads it from a store of its own.
      const own = new RuleStore(raw, 1);
      plan.push({ at, old, rule: own.make(scannedRule(chain, own, 0, raw, first, ln, append === first ? null : countedPrefix)), table, chain });
    }
    for (const { at, old, rule, table, chain } of plan) {
      rule.index = old.index;
      if (rule.target) settleTarget(rule.target, table);
      chain.rules[old.index - 1] = rule;
      store.objects[at] = rule;
      replaced?.push([old, rule]);
    }
    result.forgetProblems();
    return true;
  };

  const result = new SaveRuleset(r.family, text, r.tables, lineCount, r.problems, r.rulesDropped, patchLines, store);
  // patchLines keeps the reader alive with the model: let go of the last lines read.
  r.current = r.previous = '';
  return result;
}
