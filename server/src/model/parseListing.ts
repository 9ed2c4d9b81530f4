import { finishTable, settleTarget } from './finishTable';
import {
  COL_DESTINATION, COL_NUM, COL_SIZE, COL_SOURCE, countAt, LAYOUT_COUNTERS, LAYOUT_IFACES, LAYOUT_NUM, ListingRule, PatchedListingRule,
  ROW_WORDS, type RowOwner, scanWords, setRowTarget, splitRow, wordsOf,
} from './listingRule';
import { tableFromBuiltins, tableFromCommand } from './parseSave';
import { lineSpan, trimmedEnd } from './span';
import {
  ALL_BUILTIN_CHAIN_NAMES, isBuiltinChain,
  type Chain, type Counters, type Family, type Problem, type Rule, type Ruleset, type Span, type Table,
} from './types';
import { keyed } from './keyed';
import { grow } from './grow';

/**
 * A shell prompt (or none) and the iptables command that printed what follows:
 * `[root@host ~]# iptables -t nat -nvL`, `# iptables -L -n`, `$ sudo ip6tables -nvL`,
 * `### iptables -t raw -nvL`. Group 1 is the program, group 2 its arguments.
 */
export const PROMPT = /^\s*(?:\[[^\]]*\]\s*[#$%>]+|[\w.@:~/-]*[#$%>]+)?\s*(?:sudo\s+(?:-\S+\s+)*)?(?:timeout\s+\S+\s+)?(?:\S*\/)?(ip6?tables(?:-legacy|-nft)?(?:-save)?)(?=\s|$)(.*)$/;
const CHAIN_HEADER = /^Chain (\S+) \((?:policy (\S+)(?: (\S+) packets, (\S+) bytes)?|(\d+) references?)\)/;
const COLUMN_HEADER = /^\s*(num\s+)?(pkts\s+bytes\s+)?target\s+prot\s+opt\s+(in\s+out\s+)?source\s+destination\s*$/;
const HOOK_ORDER: Record<string, number> = keyed({ PREROUTING: 0, INPUT: 1, FORWARD: 2, OUTPUT: 3, POSTROUTING: 4 });
/** Layouts (LAYOUT_… bits) to try, in order, on rows without a column header above them. */
const GUESSES = [
  LAYOUT_COUNTERS | LAYOUT_IFACES,
  LAYOUT_NUM | LAYOUT_COUNTERS | LAYOUT_IFACES,
  0,
  LAYOUT_NUM,
];

/** One run of chains printed by one command (or read as one table). */
interface Block {
  table: Table;
  hint: string | null;
  /** Highest hook position of a built-in chain seen so far, to notice where the next table starts. */
  maxHook: number;
  /** Built-in chains seen (their headers carry a policy). */
  builtins: string[];
  firstHeader: Span | null;
  lastLine: number;
  /** Where the content of the block's last line ends. */
  lastEnd: number;
}

function counters(line: string, ps: number, pe: number, bs: number, be: number): Counters | null {
  const pk = countAt(line, ps, pe);
  const by = countAt(line, bs, be);
  if (!pk || !by) return null;
  const c: Counters = { packets: pk.value, bytes: by.value };
  if (pk.approximate || by.approximate) c.approximate = true;
  return c;
}

/**
 * Whether `text` has a colon between `from` and `to`: a search bounded to the
 * word, since a listing without any colon would otherwise be scanned back to
 * its start on every row.
 */
function hasColon(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 58) return true;
  return false;
}

/**
 * One string per distinct name in the listing, found by hashing the name's
 * characters where they stand: a row's target and the chain it names share
 * one string, so finding the chain by name later compares pointers and
 * hashes each name once, and rows naming a known name allocate nothing.
 * Each name also has a small number (`id`), which indexes per-name arrays.
 */
class NameTable {
  /**
   * Open addressing, four numbers a slot: the hash, id + 1 (0 for an empty
   * slot), and where and how long the name was when first seen, so a
   * candidate is compared in the flat text without touching the string.
   */
  private slots = new Int32Array(4096);
  private names: string[] = [];
  /** The id of the name `intern` returned last. */
  id = -1;

  get size(): number {
    return this.names.length;
  }

  /** The string `text.slice(s, e)`, the same one every earlier request for those characters got. */
  intern(text: string, s: number, e: number): string {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    h ^= h >>> 15;
    let slots = this.slots;
    let mask = (slots.length >> 2) - 1;
    let k = h & mask;
    for (let id = slots[4 * k + 1] - 1; id >= 0; id = slots[4 * k + 1] - 1) {
      if (slots[4 * k] === h && slots[4 * k + 3] === e - s && sameChars(text, slots[4 * k + 2], s, e - s)) {
        this.id = id;
        return this.names[id];
      }
      k = (k + 1) & mask;
    }
    const name = text.slice(s, e);
    const id = this.names.length;
    this.names.push(name);
    this.id = id;
    slots[4 * k] = h;
    slots[4 * k + 1] = id + 1;
    slots[4 * k + 2] = s;
    slots[4 * k + 3] = e - s;
    if ((id + 1) * 8 > slots.length) {
      // Keep the table at most half full (and small enough to stay in cache): move every slot into one twice the size.
      const old = slots;
      slots = this.slots = new Int32Array(old.length * 2);
      mask = (slots.length >> 2) - 1;
      for (let j = 0; j < old.length; j += 4) {
        if (old[j + 1] === 0) continue;
        let m = old[j] & mask;
        while (slots[4 * m + 1] !== 0) m = (m + 1) & mask;
        for (let x = 0; x < 4; x++) slots[4 * m + x] = old[j + x];
      }
    }
    return name;
  }
}

function sameChars(text: string, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false;
  return true;
}

/** Where the digits of the last header `referencesHeader` read stand. */
let refStart = 0;
let refEnd = 0;

/**
 * Reads `Chain NAME (N references)` (or `reference`) at `s` (the line, which
 * starts with `Chain `, ends at `e`) the way CHAIN_HEADER would, for names of
 * printable ASCII: returns where the name ends, or -1 for any other line,
 * which is left to the regex.
 */
function referencesHeader(text: string, s: number, e: number): number {
  let i = s + 6;
  while (i < e) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c >= 127) break;
    i++;
  }
  const nameEnd = i;
  if (nameEnd === s + 6 || i + 1 >= e || text.charCodeAt(i) !== 32 || text.charCodeAt(i + 1) !== 40) return -1; // " ("
  i += 2;
  refStart = i;
  while (i < e && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  refEnd = i;
  if (refEnd === refStart || !text.startsWith(' reference', i) || i + 10 > e) return -1;
  i += 10;
  if (i < e && text.charCodeAt(i) === 115) i++; // s
  return i < e && text.charCodeAt(i) === 41 ? nameEnd : -1; // )
}

/** The `(N references)` figure `referencesHeader` last read, as Number() reads it. */
function referenceCount(text: string): number {
  if (refEnd - refStart > 15) return Number(text.slice(refStart, refEnd));
  let v = 0;
  for (let i = refStart; i < refEnd; i++) v = v * 10 + (text.charCodeAt(i) - 48);
  return v;
}

/**
 * A chain of a listing. A 10k-Service listing has 40k chains, so the spans of
 * its header (declaration, name, and the chain through its last row) are
 * built on first use from the numbers kept here, then kept; a value assigned
 * to one replaces it like on a plain record.
 */
class ListingChain implements RowOwner {
  builtin: boolean;
  policy: string | null = null;
  policySpan: Span | null = null;
  counters: Counters | null = null;
  /** Set when the chain is complete (rows are gathered first). */
  rules: Rule[] = NO_RULES;
  index = -1;
  listedReferences?: number = undefined;
  /** Last line and end of the chain's last header or row line; -1 while it is its header alone. */
  endLine = -1;
  endCol = 0;
  private declSpanValue: Span | null = null;
  private nameSpanValue: Span | null = null;
  private spanValue: Span | null = null;

  constructor(
    public name: string,
    public table: string,
    /** The header's line and where its content ends. */
    readonly line: number,
    private readonly declEnd: number,
    hasPolicy: boolean,
    /** The listing's text, which the chain's rows read themselves from. */
    readonly source: string,
  ) {
    this.builtin = hasPolicy;
  }

  get declSpan(): Span {
    return (this.declSpanValue ??= lineSpan(this.line, 0, this.declEnd));
  }

  set declSpan(value: Span) {
    this.declSpanValue = value;
  }

  get nameSpan(): Span {
    return (this.nameSpanValue ??= lineSpan(this.line, 6, 6 + this.name.length));
  }

  set nameSpan(value: Span) {
    this.nameSpanValue = value;
  }

  /** The header alone (the very declaration span) until a column header or row follows it. */
  get span(): Span {
    return (this.spanValue ??= this.endLine < 0 ? this.declSpan : { line: this.line, start: 0, endLine: this.endLine, end: this.endCol });
  }

  set span(value: Span) {
    this.spanValue = value;
  }

  /** Its last row, on `line`, now ends at `end` (an edit): the chain's span ends there too. */
  rowEdited(line: number, end: number): void {
    if (line !== this.endLine || end === this.endCol) return;
    this.endCol = end;
    this.spanValue = null;
  }
}

/** Placeholder until a chain is complete; never handed out (closeChain gives every chain its own array). */
const NO_RULES: Rule[] = [];

/** Column offsets of the row being read (see `splitRow`): rows keep none of them. */
const ROW = new Int32Array(COL_SIZE);

/**
 * Parses `iptables -L` output in any mix of `-n`, `-v`, `-x` and
 * `--line-numbers`: one chain or whole tables, several tables pasted one
 * after another, with or without the shell prompts and commands that printed
 * them. A prompt starts a new table and names it (`-t nat`); otherwise the
 * table is read from the built-in chains present, with a hint where that stays
 * ambiguous. Lines that are neither prompts, headers nor rows (notes pasted in
 * between) are reported as information and skipped. Never throws.
 */
export function parseListing(text: string): Ruleset {
  const problems: Problem[] = [];
  const blocks: Block[] = [];
  let family: Family | null = null;
  let sawIpv6Address = false;
  let block: Block | null = null;
  let chain: ListingChain | null = null;
  /** LAYOUT_… bits of the rows, from the last column header or the first row that fits a guess; -1 before either. */
  let layout = -1;

  const openBlock = (hint: string | null, nameSpan: Span | null, line: number): Block => {
    const table: Table = {
      name: hint ?? 'filter', nameSpan, span: lineSpan(line, 0, 0), chains: [], chainsByName: new Map(), commitSpan: null,
      tableSource: hint ? 'command' : 'default',
    };
    const b: Block = { table, hint, maxHook: -1, builtins: [], firstHeader: null, lastLine: line, lastEnd: 0 };
    blocks.push(b);
    return b;
  };

  const unrecognized = (ln: number, raw: string, message: string) => {
    const start = raw.length - raw.trimStart().length;
    problems.push({ span: lineSpan(ln, start, raw.length), severity: 'information', code: 'unrecognized-line', message });
  };

  const names = new NameTable();
  /** For each name id, the number (1-based) of the last block that declared a chain of that name. */
  let declaredIn: Int32Array = new Int32Array(1024);
  /** For each name id, the chain of that name that block declared. */
  const chainById: (Chain | null)[] = [];
  // Rows of the current chain gather here and go to the chain in one array of their exact number:
  // pushing them one by one would leave room for 16 more in each of many short chains.
  const pending: ListingRule[] = [];
  let pendingCount = 0;
  // A chain's span runs to its last header or row line; set once the chain is complete.
  let chainEnd = -1;
  let chainEndCol = 0;
  const closeChain = () => {
    if (chain) {
      chain.rules = pending.slice(0, pendingCount);
      if (chainEnd >= 0) {
        chain.endLine = chainEnd;
        chain.endCol = chainEndCol;
      }
    }
    pendingCount = 0;
    chainEnd = -1;
  };
  /** Lines of rows whose layout was guessed (no column header above them): every row after them depends on them. */
  const guessedOn: number[] = [];
  /** The column header last read as such, and its layout: listings repeat it under every chain. */
  let lastColumnHeader = '';
  let lastColumnLayout = -1;

  // Lines are read in place in the text: rows are most of a listing and need no string of their own.
  const length = text.length;
  let ln = -1;
  for (let pos = 0; pos <= length; ) {
    ln++;
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = length;
    const lineStart = pos;
    pos = nl + 1;
    let contentEnd = nl;
    while (contentEnd > lineStart) {
      const c = text.charCodeAt(contentEnd - 1);
      if (c !== 32 && c !== 9 && c !== 13) break;
      contentEnd--;
    }
    if (contentEnd === lineStart) continue;
    let firstAbs = lineStart;
    while (text.charCodeAt(firstAbs) === 32 || text.charCodeAt(firstAbs) === 9) firstAbs++;
    const c0 = text.charCodeAt(firstAbs);
    const first = firstAbs - lineStart;
    const end = contentEnd - lineStart;

    // Rows of -v and --line-numbers listings start with a digit: skip the other checks for them.
    let raw: string | null = null;
    if (c0 < 48 || c0 > 57) {
      // Most headers are `Chain NAME (N references)`: read those without the regex (and its strings).
      let h: RegExpExecArray | null = null;
      let nameEnd = -1;
      if (first === 0 && c0 === 67 && contentEnd - lineStart >= 6 && text.startsWith('Chain ', lineStart)) {
        nameEnd = referencesHeader(text, lineStart, contentEnd);
        if (nameEnd < 0) {
          raw = text.slice(lineStart, contentEnd);
          h = CHAIN_HEADER.exec(raw);
          if (h) nameEnd = lineStart + 6 + h[1].length;
        }
      }
      if (nameEnd >= 0) {
        closeChain();
        const name = names.intern(text, lineStart + 6, nameEnd);
        const nameId = names.id;
        const policy = h ? h[2] : undefined;
        const hasPolicy = policy !== undefined;
        const hook = hasPolicy ? HOOK_ORDER[name] ?? -1 : -1;
        if (declaredIn.length < names.size) declaredIn = grow(declaredIn, names.size);
        // Kept dense (no holes far past its end), so reading it stays an array read.
        while (chainById.length < names.size) chainById.push(null);
        if (
          !block || declaredIn[nameId] === blocks.length ||
          (block.hint === null && hook >= 0 && hook <= block.maxHook)
        ) {
          block = openBlock(null, null, ln);
        }
        // The block numbers start at 1, so 0 means "not declared in any block".
        declaredIn[nameId] = blocks.length;
        const c = new ListingChain(name, block.table.name, ln, end, hasPolicy, text);
        if (h && policy !== undefined) {
          c.policy = policy;
          const at = h.input.indexOf('(policy ') + 8;
          c.policySpan = lineSpan(ln, at, at + policy.length);
          if (h[3] !== undefined && h[4] !== undefined) c.counters = counters(`${h[3]} ${h[4]}`, 0, h[3].length, h[3].length + 1, h[3].length + 1 + h[4].length);
          if (ALL_BUILTIN_CHAIN_NAMES.has(name)) block.builtins.push(name);
          if (hook > block.maxHook) block.maxHook = hook;
        } else {
          c.listedReferences = h ? Number(h[5]) : referenceCount(text);
        }
        block.table.chains.push(c);
        block.table.chainsByName.set(name, c);
        chainById[nameId] = c;
        if (!block.firstHeader) block.firstHeader = c.nameSpan;
        block.lastLine = ln;
        block.lastEnd = end;
        chain = c;
        continue;
      }

      raw ??= text.slice(lineStart, contentEnd);
      if (raw === lastColumnHeader) {
        layout = lastColumnLayout;
        if (chain && block) {
          chainEnd = ln;
          chainEndCol = end;
          block.lastLine = ln;
          block.lastEnd = end;
        }
        continue;
      }
      const col = raw.includes('target') ? COLUMN_HEADER.exec(raw) : null;
      if (col) {
        layout = (col[1] !== undefined ? LAYOUT_NUM : 0) | (col[2] !== undefined ? LAYOUT_COUNTERS : 0) | (col[3] !== undefined ? LAYOUT_IFACES : 0);
        lastColumnHeader = raw;
        lastColumnLayout = layout;
        if (chain && block) {
          chainEnd = ln;
          chainEndCol = end;
          block.lastLine = ln;
          block.lastEnd = end;
        }
        continue;
      }

      const prompt = raw.includes('tables') ? PROMPT.exec(raw) : null;
      if (prompt) {
        closeChain();
        if (prompt[1].startsWith('ip6')) family = family ?? 'ipv6';
        else family = family ?? 'ipv4';
        const args = prompt[2];
        const named = tableFromCommand(args);
        let nameSpan: Span | null = null;
        if (named) {
          const argsStart = raw.length - args.length;
          const m = /(?:^|\s)(?:-t\s*|--table[=\s]\s*)(\w+)/.exec(args);
          if (m) {
            const at = argsStart + m.index + m[0].length - m[1].length;
            nameSpan = lineSpan(ln, at, at + m[1].length);
          }
        }
        block = openBlock(named ?? 'filter', nameSpan, ln);
        chain = null;
        continue;
      }
    }

    if (!chain || !block) {
      unrecognized(ln, raw ?? text.slice(lineStart, contentEnd), 'This line is not part of an iptables listing (no `Chain …` header above it); it is skipped.');
      continue;
    }

    // No layout reads more than ROW_WORDS words (or wordsOf(layout)): the text after the destination is left for later.
    const n = scanWords(text, firstAbs, contentEnd, layout >= 0 ? wordsOf(layout) : ROW_WORDS);
    let ok = false;
    if (layout >= 0) ok = splitRow(text, n, layout, ROW, lineStart);
    else {
      for (const guess of GUESSES) {
        if (splitRow(text, n, guess, ROW, lineStart)) {
          layout = guess;
          ok = true;
          guessedOn.push(ln);
          break;
        }
      }
    }
    if (!ok) {
      unrecognized(ln, raw ?? text.slice(lineStart, contentEnd), 'This line is not a rule row of the listing; it is skipped.');
      continue;
    }
    // Only a listing no prompt names decides its family by its addresses (and a prompt only ever sets it).
    if (
      !sawIpv6Address && family === null &&
      (hasColon(text, lineStart + ROW[COL_SOURCE], lineStart + ROW[COL_SOURCE + 1]) ||
        hasColon(text, lineStart + ROW[COL_DESTINATION], lineStart + ROW[COL_DESTINATION + 1]))
    ) sawIpv6Address = true;
    const rule = new ListingRule(chain, ln, first, lineStart, layout);
    if (setRowTarget(rule, text, lineStart, contentEnd, ROW, names)) {
      // A chain this block declared above the row is the one its table will have by that name
      // (a block never declares a name twice, and blocks join only when their names differ):
      // the table's finishing need not look it up.
      const id = names.id;
      if (id < declaredIn.length && declaredIn[id] === blocks.length) rule.target!.chain = chainById[id]!;
    }
    pending[pendingCount++] = rule;
    chainEnd = ln;
    chainEndCol = end;
    block.lastLine = ln;
    block.lastEnd = end;
  }
  closeChain();

  // Name each table, then join runs of one table printed chain by chain.
  const tables: Table[] = [];
  for (const b of blocks) {
    const t = b.table;
    if (t.chains.length === 0) continue;
    if (b.hint === null) {
      const guess = tableFromBuiltins(b.builtins);
      t.name = guess.table;
      t.tableSource = b.builtins.length ? 'builtin-chains' : 'default';
      if (guess.ambiguous) {
        problems.push({
          span: b.firstHeader ?? lineSpan(t.chains[0].span.line, 0, 0), severity: 'hint', code: 'ambiguous-table',
          message: b.builtins.length
            ? `The chains ${b.builtins.join(', ')} fit more than one table; read as table ${guess.table}. Paste the command line (iptables -t TABLE -L …) above the listing to say which.`
            : `No built-in chain says which table this is; read as table ${guess.table}. Paste the command line (iptables -t TABLE -L …) above the listing to say which.`,
          data: { table: guess.table },
        });
      }
    }
    const first = t.nameSpan?.line ?? t.span.line;
    t.span = { line: Math.min(first, t.chains[0].span.line), start: 0, endLine: b.lastLine, end: b.lastEnd };
    const prev = tables[tables.length - 1];
    if (prev && prev.name === t.name && !t.chains.some((c) => prev.chainsByName.has(c.name))) {
      for (const c of t.chains) {
        prev.chains.push(c);
        prev.chainsByName.set(c.name, c);
      }
      prev.span = { line: prev.span.line, start: prev.span.start, endLine: t.span.endLine, end: t.span.end };
      continue;
    }
    tables.push(t);
  }
  for (const t of tables) {
    for (const c of t.chains) {
      c.table = t.name;
      c.builtin = c.policy !== null || isBuiltinChain(t.name, c.name);
    }
    // Listings delete no chains: a chain found while reading stays right.
    finishTable(t, false, false);
  }
  const patcher = new ListingPatcher(text, tables, guessedOn, family !== null, sawIpv6Address);
  return {
    family: family ?? (sawIpv6Address ? 'ipv6' : 'ipv4'), format: 'listing', tables, problems, lineProblems: problems, rulesDropped: false, lineCount: ln + 1,
    patchLines: (lines, replaced) => patcher.patch(lines, replaced),
  };
}

/** Names of a re-read row, taken as they are: the table settles them against its chains. */
const PLAIN_NAMES = { intern: (text: string, s: number, e: number) => text.slice(s, e) };

/**
 * Re-reads lines of a listing edited in place (see Ruleset.patchLines). A
 * line whose content is unchanged but for trailing blanks reads as it did;
 * a rule row that stays a rule row in its layout is read again in place.
 * Anything else (headers, prompts, notes, blank lines, a row that would
 * become something else or change what the listing's family is read as)
 * asks for a full parse.
 */
class ListingPatcher {
  /** Every chain in line order with its table, and where each line starts in `text`: made on the first patch. */
  private chains: ListingChain[] | null = null;
  private tableOf: Table[] = [];
  private lineStarts: Int32Array | null = null;
  /** The content of lines re-read since the parse (the listing's text still has them as they were). */
  private readonly patched = new Map<number, string>();

  constructor(
    private readonly text: string,
    private readonly tables: Table[],
    private readonly guessedOn: readonly number[],
    private readonly familyFromPrompt: boolean,
    private readonly sawIpv6Address: boolean,
  ) {}

  patch(changed: ReadonlyMap<number, string>, replaced?: [Rule, Rule][]): boolean {
    if (!this.chains) this.index();
    const starts = this.lineStarts!;
    const plan: { old: ListingRule; rule: ListingRule; chain: ListingChain; table: Table; content: string }[] = [];
    for (const [ln, raw] of changed) {
      if (ln < 0 || ln >= starts.length - 1) return false;
      const content = raw.slice(0, trimmedEnd(raw, 0, raw.length));
      const was = this.patched.get(ln) ?? this.text.slice(starts[ln], trimmedEnd(this.text, starts[ln], starts[ln + 1] - 1));
      if (content === was) continue;
      const at = this.rowAt(ln);
      if (!at || this.guessedOn.includes(ln)) return false;
      const { chain, table, old } = at;
      const rule = readRow(chain, ln, content, old.layout);
      if (!rule) return false;
      // Without a prompt naming the program, an address with a colon makes the listing IPv6.
      if (!this.familyFromPrompt && (this.sawIpv6Address || rowHasColon(content, old.layout))) return false;
      plan.push({ old, rule, chain, table, content });
    }
    for (const { old, rule, chain, table, content } of plan) {
      rule.index = old.index;
      if (rule.target) settleTarget(rule.target, table);
      chain.rules[old.index - 1] = rule;
      chain.rowEdited(rule.line, content.length);
      if (table.span.endLine === rule.line) table.span = { ...table.span, end: content.length };
      this.patched.set(rule.line, content);
      replaced?.push([old, rule]);
    }
    return true;
  }

  private index(): void {
    const chains: ListingChain[] = [];
    const tableOf: Table[] = [];
    for (const t of this.tables) {
      for (const c of t.chains) {
        chains.push(c as ListingChain);
        tableOf.push(t);
      }
    }
    // Blocks are read in order and joined only with the one before: chains stand in line order.
    for (let i = 1; i < chains.length; i++) if (chains[i].line <= chains[i - 1].line) chains.length = tableOf.length = 0;
    this.chains = chains;
    this.tableOf = tableOf;
    const starts: number[] = [0];
    const text = this.text;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
    starts.push(text.length + 1);
    this.lineStarts = Int32Array.from(starts);
  }

  /** The rule row on a line, with its chain and table; undefined when the line is no row. */
  private rowAt(ln: number): { chain: ListingChain; table: Table; old: ListingRule } | undefined {
    const chains = this.chains!;
    let lo = 0;
    let hi = chains.length - 1;
    if (hi < 0 || chains[0].line > ln) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (chains[mid].line <= ln) lo = mid;
      else hi = mid - 1;
    }
    const chain = chains[lo];
    const rules = chain.rules as ListingRule[];
    let a = 0;
    let b = rules.length - 1;
    while (a <= b) {
      const mid = (a + b) >> 1;
      const line = rules[mid].line;
      if (line === ln) return { chain, table: this.tableOf[lo], old: rules[mid] };
      if (line < ln) a = mid + 1;
      else b = mid - 1;
    }
    return undefined;
  }
}

/**
 * A line's content read as a row of `layout` under `chain`, or null when the
 * parser would read it as something else (a header, a column header, a
 * prompt, a note) or it is no row of that layout.
 */
function readRow(chain: ListingChain, ln: number, content: string, layout: number): ListingRule | null {
  if (content === '') return null;
  let first = 0;
  while (content.charCodeAt(first) === 32 || content.charCodeAt(first) === 9) first++;
  // The parser looks for headers and prompts only on lines not starting with a digit; any such line is refused here.
  if (content.startsWith('Chain ') || COLUMN_HEADER.test(content) || (content.includes('tables') && PROMPT.test(content))) return null;
  const n = scanWords(content, first, content.length, wordsOf(layout));
  if (!splitRow(content, n, layout, ROW, 0)) return null;
  const rule = new PatchedListingRule(chain, ln, first, layout, content);
  setRowTarget(rule, content, 0, content.length, ROW, PLAIN_NAMES);
  return rule;
}

/** Whether a row's source or destination has a colon (an IPv6 address). */
function rowHasColon(content: string, layout: number): boolean {
  let first = 0;
  while (content.charCodeAt(first) === 32 || content.charCodeAt(first) === 9) first++;
  const n = scanWords(content, first, content.length, wordsOf(layout));
  splitRow(content, n, layout, ROW, 0);
  return hasColon(content, ROW[COL_SOURCE], ROW[COL_SOURCE + 1]) || hasColon(content, ROW[COL_DESTINATION], ROW[COL_DESTINATION + 1]);
}
