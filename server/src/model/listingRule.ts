import { PROTOCOL_ALIASES, PROTOCOL_NAMES } from './listingNames';
import { parseListingText, type ListingText } from './listingText';
import { lineSpan, trimmedEnd } from './span';
import { TARGET_KINDS, targetKindCode } from './targetNames';
import { TargetView } from './targetView';
import type { Chain, Counters, Match, Option, Problem, Rule, Span, Target, TargetKind } from './types';

/**
 * Where the columns of a row are: pairs of [start, end) character offsets in
 * the line, at these indexes, -1 where the listing has no such column or it is
 * blank. Rows do not keep them: they are found again from the row's text and
 * layout when something first asks for a column.
 */
export const COL_NUM = 0;
export const COL_PKTS = 2;
export const COL_BYTES = 4;
export const COL_TARGET = 6;
export const COL_PROT = 8;
export const COL_OPT = 10;
export const COL_IN = 12;
export const COL_OUT = 14;
export const COL_SOURCE = 16;
export const COL_DESTINATION = 18;
export const COL_SIZE = 20;

/** Which optional columns a listing has, as bits: `--line-numbers`, `-v` counters, `-v` interfaces. */
export const LAYOUT_NUM = 1;
export const LAYOUT_COUNTERS = 2;
export const LAYOUT_IFACES = 4;

/** `1235K` → 1235000 (approximate); plain digits are exact; null when not a count. */
export function countAt(line: string, s: number, e: number): { value: number; approximate: boolean } | null {
  let v = 0;
  let i = s;
  for (; i < e; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  if (i === s) return null;
  if (i === e) return { value: v, approximate: false };
  if (i !== e - 1) return null;
  const k = 'KMGTP'.indexOf(line[i]);
  return k < 0 ? null : { value: v * 1000 ** (k + 1), approximate: true };
}

/** Whether `countAt` would read a count there, without building its answer: rows are told apart by their counts. */
function isCountAt(line: string, s: number, e: number): boolean {
  let i = s;
  while (i < e) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  if (i === s) return false;
  if (i === e) return true;
  if (i !== e - 1) return false;
  const c = line.charCodeAt(i);
  return c === 75 || c === 77 || c === 71 || c === 84 || c === 80; // K M G T P
}

/** The most words any layout has before its text: num, pkts, bytes, target, prot, opt, in, out, source, destination. */
export const ROW_WORDS = 10;

/**
 * How many words a row of a layout has before its text, at most: `splitRow`
 * looks at no word past these, so scanning more would read the text for nothing.
 */
export function wordsOf(layout: number): number {
  return (layout & LAYOUT_NUM ? 1 : 0) + (layout & LAYOUT_COUNTERS ? 2 : 0) + (layout & LAYOUT_IFACES ? 7 : 5);
}

/** Word offsets of the row being split: shared, so reading columns allocates nothing. */
const WS = new Int32Array(ROW_WORDS);
const WE = new Int32Array(ROW_WORDS);

/** Finds the first `max` blank-separated words of a line into WS/WE; returns how many. */
export function scanWords(line: string, from: number, end: number, max: number): number {
  let n = 0;
  let i = from;
  while (i < end && n < max) {
    let c = line.charCodeAt(i);
    while (i < end && (c === 32 || c === 9)) c = line.charCodeAt(++i);
    if (i >= end) break;
    WS[n] = i;
    while (i < end && c !== 32 && c !== 9) c = line.charCodeAt(++i);
    WE[n++] = i;
  }
  return n;
}

function isOptAt(line: string, w: number, n: number): boolean {
  if (w >= n || WE[w] - WS[w] !== 2) return false;
  const a = line.charCodeAt(WS[w]);
  const b = line.charCodeAt(WS[w] + 1);
  return (a === 45 && (b === 45 || b === 102)) || (a === 33 && b === 102); // --, -f, !f
}

function looksProtocolAt(line: string, w: number, n: number, protocols: ReadonlySet<string>): boolean {
  if (w >= n) return false;
  let t = line.slice(WS[w], WE[w]);
  if (t.startsWith('!')) t = t.slice(1);
  return /^\d+$/.test(t) || protocols.has(t);
}

const KNOWN_PROTOCOLS = new Set([...Object.values(PROTOCOL_NAMES), 'all', 'icmpv6', 'mh']);

/**
 * Writes the column offsets of a row whose words `scanWords` just found into
 * `cols` (COL_SIZE entries), relative to `lineStart`, anchored on the opt
 * column; false when the line is not a row in this layout.
 */
export function splitRow(line: string, n: number, layout: number, cols: Int32Array | number[], lineStart: number): boolean {
  let i = 0;
  cols[COL_NUM] = cols[COL_NUM + 1] = -1;
  cols[COL_PKTS] = cols[COL_PKTS + 1] = cols[COL_BYTES] = cols[COL_BYTES + 1] = -1;
  cols[COL_TARGET] = cols[COL_TARGET + 1] = cols[COL_OPT] = cols[COL_OPT + 1] = -1;
  cols[COL_IN] = cols[COL_IN + 1] = cols[COL_OUT] = cols[COL_OUT + 1] = -1;
  if (layout & LAYOUT_NUM) {
    if (i >= n || !isCountAt(line, WS[i], WE[i]) || line.charCodeAt(WE[i] - 1) > 57) return false;
    cols[COL_NUM] = WS[i] - lineStart;
    cols[COL_NUM + 1] = WE[i++] - lineStart;
  }
  if (layout & LAYOUT_COUNTERS) {
    if (i + 1 >= n || !isCountAt(line, WS[i], WE[i]) || !isCountAt(line, WS[i + 1], WE[i + 1])) return false;
    cols[COL_PKTS] = WS[i] - lineStart;
    cols[COL_PKTS + 1] = WE[i++] - lineStart;
    cols[COL_BYTES] = WS[i] - lineStart;
    cols[COL_BYTES + 1] = WE[i++] - lineStart;
  }
  const ifaces = (layout & LAYOUT_IFACES) !== 0;
  const rest = ifaces ? 4 : 2;
  let hasTarget: boolean;
  let hasOpt: boolean;
  // Anchor on the opt column: the target column may be blank, and long names push later columns over.
  if (isOptAt(line, i + 2, n)) {
    hasTarget = true;
    hasOpt = true;
  } else if (isOptAt(line, i + 1, n)) {
    hasTarget = false;
    hasOpt = true;
  } else if (n >= i + 2 + rest && looksProtocolAt(line, i + 1, n, KNOWN_PROTOCOLS) && !looksProtocolAt(line, i, n, KNOWN_PROTOCOLS)) {
    // ip6tables before 1.8.9 printed a blank opt column.
    hasTarget = true;
    hasOpt = false;
  } else if (n >= i + 1 + rest && looksProtocolAt(line, i, n, KNOWN_PROTOCOLS)) {
    hasTarget = false;
    hasOpt = false;
  } else return false;
  if (n < i + (hasTarget ? 1 : 0) + 1 + (hasOpt ? 1 : 0) + rest) return false;
  if (hasTarget) {
    cols[COL_TARGET] = WS[i] - lineStart;
    cols[COL_TARGET + 1] = WE[i++] - lineStart;
  }
  cols[COL_PROT] = WS[i] - lineStart;
  cols[COL_PROT + 1] = WE[i++] - lineStart;
  if (hasOpt) {
    cols[COL_OPT] = WS[i] - lineStart;
    cols[COL_OPT + 1] = WE[i++] - lineStart;
  }
  if (ifaces) {
    cols[COL_IN] = WS[i] - lineStart;
    cols[COL_IN + 1] = WE[i++] - lineStart;
    cols[COL_OUT] = WS[i] - lineStart;
    cols[COL_OUT + 1] = WE[i++] - lineStart;
  }
  cols[COL_SOURCE] = WS[i] - lineStart;
  cols[COL_SOURCE + 1] = WE[i++] - lineStart;
  cols[COL_DESTINATION] = WS[i] - lineStart;
  cols[COL_DESTINATION + 1] = WE[i] - lineStart;
  return true;
}

const ANY = new Set(['0.0.0.0/0', '::/0', 'anywhere', '*', 'any', '+', 'all', '0']);

function normaliseAddress(v: string): string | null {
  if (ANY.has(v)) return null;
  if (v.includes('/')) return v;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v)) return v + '/32';
  if (v.includes(':') && /^[0-9a-fA-F:.]+$/.test(v)) return v + '/128';
  return v;
}

function normaliseInterface(v: string): string | null {
  return ANY.has(v) ? null : v;
}

function normaliseProtocol(v: string): string | null {
  const p = v.toLowerCase();
  if (p === 'all' || p === '0') return null;
  if (/^\d+$/.test(p)) return PROTOCOL_NAMES[p] ?? p;
  return PROTOCOL_ALIASES[p] ?? p;
}

/** A generic column as the match iptables-save would print, or null where the column means "any", as save leaves it out. */
function columnMatch(module: string, text: string, s: number, e: number, line: number, normalise: (v: string) => string | null): Match | null {
  const word = text.slice(s, e);
  const negated = word.startsWith('!');
  const raw = negated ? word.slice(1) : word;
  const value = negated ? normalise(raw) ?? raw : normalise(raw);
  if (value === null) return null;
  const span = lineSpan(line, s, e);
  const opt: Option = {
    name: module, value, values: [value], negated, span, nameSpan: span,
    valueSpan: lineSpan(line, s + (negated ? 1 : 0), e),
  };
  return { module, implicit: true, negated, options: [opt], span, moduleSpan: null, text: word };
}

/** The target column of a row: a view (see TargetView); its options come from the row's text, read on first use. */
export class ListingTarget extends TargetView<ListingRule> {
  get nameSpan(): Span {
    return this.rule.columnSpan(COL_TARGET);
  }

  get span(): Span {
    return this.nameSpan;
  }

  get options(): Option[] {
    return this.rule.text().targetOptions;
  }
}

/** The chain a row sits under, which also holds the listing's text (one reference per chain, not per row). */
export interface RowOwner extends Chain {
  readonly source: string;
}

/** Column offsets of a row asked for one span (see ListingRule.columnSpan), used and forgotten. */
const SPLIT_COLUMNS: number[] = new Array(COL_SIZE);

/** What a row has read of itself so far; dropped by `release`. */
interface RowCache {
  /**
   * A plain array, not an Int32Array: twenty numbers are 80 bytes, past the
   * 64 V8 keeps inside its heap, so each row read would malloc its own
   * buffer (115k of them when the checks read a 10k-Service listing).
   */
  cols: number[];
  text: ListingText | null;
  columns: Match[] | null;
  matches: Match[] | null;
  counters: Counters | null | undefined;
  /** The target view, kept while the row is read (checks ask for it over and over). */
  view: ListingTarget | null;
}

/**
 * One row of an `iptables -L` listing. The chain graph needs only the target
 * column (and whether the text starts with `[goto]`), so a row keeps just
 * where its line is, under which chain, and its layout; its columns and text
 * become matches, counters and comments the first time anything asks.
 */
export class ListingRule implements Rule {
  index = 0;
  /** The target column's name (null: none), as ListingTarget shows it. */
  targetName: string | null = null;
  /** The chain of its table the target names, once settled (see Target.chain). */
  targetChain: Chain | null | undefined = undefined;
  private spanCache: Span | null = null;
  private cache: RowCache | null = null;
  /**
   * Where the row's content starts in its line, times 256, plus 128 for a
   * goto, 8 times the target's kind (its place in TARGET_KINDS) and the layout
   * (LAYOUT_… bits): one number for all four.
   */
  private packed: number;

  constructor(
    /** The chain the row is listed under: the rule's table and chain names, and the listing's text, are its. */
    private readonly owner: RowOwner,
    /** 0-based line of the row. */
    readonly line: number,
    /** Where the row's content starts in its line. */
    start: number,
    /** Where the row's line starts in the listing. */
    private readonly lineStart: number,
    /** The columns the row was read with (LAYOUT_… bits). */
    layout: number,
  ) {
    // Arithmetic, not bit operations: a start past 2^23 (a line of tens of MB) stays exact.
    this.packed = start * 256 + layout;
  }

  get target(): Target | null {
    if (this.targetName === null) return null;
    const cache = this.cache;
    if (!cache) return new ListingTarget(this);
    return (cache.view ??= new ListingTarget(this));
  }

  /** Gives the row its target: `name` from the target column, a goto when the text starts with `[goto]`. */
  setTarget(name: string, goto: boolean): void {
    this.targetName = name;
    this.targetChain = undefined;
    this.packed = this.start * 256 + (goto ? 128 : 0) + 8 * targetKindCode(goto ? 'goto' : 'jump') + this.layout;
  }

  get targetGoto(): boolean {
    return Math.floor(this.packed / 128) % 2 === 1;
  }

  get targetKind(): TargetKind {
    return TARGET_KINDS[Math.floor(this.packed / 8) % 16];
  }

  set targetKind(value: TargetKind) {
    this.packed += 8 * (targetKindCode(value) - (Math.floor(this.packed / 8) % 16));
  }

  /** The whole listing; this row is the line starting at `lineStart`. */
  protected get source(): string {
    return this.owner.source;
  }

  /** One past the last character of the row's content in its line (trailing blanks and CR left out), found again as the parser found it. */
  private get end(): number {
    const text = this.source;
    let nl = text.indexOf('\n', this.lineStart);
    if (nl < 0) nl = text.length;
    return trimmedEnd(text, this.lineStart, nl) - this.lineStart;
  }

  /** Where the row's content starts in its line. */
  get start(): number {
    return Math.floor(this.packed / 256);
  }

  /** The columns the row was read with (LAYOUT_… bits). */
  get layout(): number {
    return this.packed % 8;
  }

  /** The `num` column of `--line-numbers` listings, read from the row's first word. */
  get lineNumber(): number | undefined {
    if (!(this.layout & LAYOUT_NUM)) return undefined;
    const s = this.lineStart + this.start;
    let e = s;
    const end = this.lineStart + this.end;
    while (e < end && this.source.charCodeAt(e) !== 32 && this.source.charCodeAt(e) !== 9) e++;
    return countAt(this.source, s, e)?.value;
  }

  get table(): string {
    return this.owner.table;
  }

  set table(value: string) {
    Object.defineProperty(this, 'table', { value, writable: true, enumerable: true, configurable: true });
  }

  get chain(): string {
    return this.owner.name;
  }

  set chain(value: string) {
    Object.defineProperty(this, 'chain', { value, writable: true, enumerable: true, configurable: true });
  }

  /** Built on first use and kept: checks and features ask for a rule's line over and over. */
  get span(): Span {
    return (this.spanCache ??= lineSpan(this.line, this.start, this.end));
  }

  /** The row's line, without trailing blanks. */
  private get lineText(): string {
    return this.source.slice(this.lineStart, this.lineStart + this.end);
  }

  private read(): RowCache {
    if (this.cache) return this.cache;
    const cols = this.split(new Array(COL_SIZE));
    return (this.cache = { cols, text: null, columns: null, matches: null, counters: undefined, view: null });
  }

  /** The row's column offsets, written into `cols`: the same words in the same layout split as they did when the row was read. */
  private split(cols: number[]): number[] {
    const n = scanWords(this.source, this.lineStart + this.start, this.lineStart + this.end, wordsOf(this.layout));
    splitRow(this.source, n, this.layout, cols, this.lineStart);
    return cols;
  }

  ownProblems(): Problem[] {
    return [];
  }

  /** Whether the row has read its columns and keeps them (until release). */
  get isParsed(): boolean {
    return this.cache !== null;
  }

  release(): void {
    this.cache = null;
  }

  get chainNameSpan(): null {
    return null;
  }

  get command(): 'row' {
    return 'row';
  }

  /**
   * The span of a column (COL_…) of this row. A row not read yet stays so:
   * references to a hub chain ask 40k rows for their target's span, and
   * would otherwise keep 40k rows' columns until the next check.
   */
  columnSpan(col: number): Span {
    const cols = this.colsUnread();
    return lineSpan(this.line, cols[col], cols[col + 1]);
  }

  /** The row's column offsets: its own once read, else split into a shared scratch array that the next call overwrites. */
  private colsUnread(): number[] {
    return this.cache ? this.cache.cols : this.split(SPLIT_COLUMNS);
  }

  /**
   * The row's counters. A row not read yet stays so, like columnSpan: a hover
   * on a hub chain sums the counters of 40k jumps into it, which would
   * otherwise keep 40k rows' columns (15 MB on a 10k-Service listing).
   */
  get counters(): Counters | null {
    const cache = this.cache;
    if (cache && cache.counters !== undefined) return cache.counters;
    const c = this.colsUnread();
    let counters: Counters | null = null;
    if (c[COL_PKTS] >= 0) {
      const at = this.lineStart;
      const p = countAt(this.source, at + c[COL_PKTS], at + c[COL_PKTS + 1]);
      const b = countAt(this.source, at + c[COL_BYTES], at + c[COL_BYTES + 1]);
      if (p && b) {
        counters = { packets: p.value, bytes: b.value };
        if (p.approximate || b.approximate) counters.approximate = true;
      }
    }
    if (cache) cache.counters = counters;
    return counters;
  }

  /** The row's text after the destination column, parsed once. */
  text(): ListingText {
    const cache = this.read();
    if (!cache.text) {
      const c = cache.cols;
      const ts = c[COL_TARGET];
      const line = this.lineText;
      const target = ts >= 0 ? line.slice(ts, c[COL_TARGET + 1]) : null;
      cache.text = parseListingText(line, c[COL_DESTINATION + 1], this.line, target);
    }
    return cache.text;
  }

  get comments(): string[] {
    return this.text().comments;
  }

  /** Matches in iptables-save order: -s, -d, -i, -o, -p, -f, then the matches of the text. */
  get matches(): Match[] {
    const cache = this.read();
    if (cache.matches) return cache.matches;
    const out = this.columnMatches().slice();
    for (const m of this.text().matches) out.push(m);
    cache.matches = out;
    return out;
  }

  /**
   * Whether columnMatches has any match, told without making them or
   * keeping the row's columns: a row that ends its chain is asked whether
   * it matches every packet, and most are held back by a column.
   */
  hasColumnMatch(): boolean {
    const c = this.colsUnread();
    const text = this.source;
    const at = this.lineStart;
    const holds = (col: number, normalise: (v: string) => string | null): boolean => {
      if (c[col] < 0) return false;
      const word = text.slice(at + c[col], at + c[col + 1]);
      return word.startsWith('!') || normalise(word) !== null;
    };
    if (c[COL_OPT] >= 0 && text.slice(at + c[COL_OPT], at + c[COL_OPT + 1]) !== '--') return true;
    return holds(COL_SOURCE, normaliseAddress) || holds(COL_DESTINATION, normaliseAddress) || holds(COL_IN, normaliseInterface)
      || holds(COL_OUT, normaliseInterface) || holds(COL_PROT, normaliseProtocol);
  }

  /** The matches of -s, -d, -i, -o, -p and -f, read from the columns alone. */
  columnMatches(): Match[] {
    const cache = this.read();
    if (cache.columns) return cache.columns;
    const c = cache.cols;
    const text = this.lineText;
    const line = this.line;
    const out: Match[] = [];
    const push = (m: Match | null) => {
      if (m) out.push(m);
    };
    push(columnMatch('source', text, c[COL_SOURCE], c[COL_SOURCE + 1], line, normaliseAddress));
    push(columnMatch('destination', text, c[COL_DESTINATION], c[COL_DESTINATION + 1], line, normaliseAddress));
    if (c[COL_IN] >= 0) push(columnMatch('in-interface', text, c[COL_IN], c[COL_IN + 1], line, normaliseInterface));
    if (c[COL_OUT] >= 0) push(columnMatch('out-interface', text, c[COL_OUT], c[COL_OUT + 1], line, normaliseInterface));
    push(columnMatch('protocol', text, c[COL_PROT], c[COL_PROT + 1], line, normaliseProtocol));
    if (c[COL_OPT] >= 0) {
      const opt = text.slice(c[COL_OPT], c[COL_OPT + 1]);
      if (opt !== '--') {
        const span = lineSpan(line, c[COL_OPT], c[COL_OPT + 1]);
        out.push({ module: 'fragment', implicit: true, negated: opt === '!f', options: [], span, moduleSpan: null, text: opt });
      }
    }
    cache.columns = out;
    return out;
  }
}

/**
 * A row read again after its line was edited in place (see parseListing's
 * patchLines): it reads the line's new text, kept here, instead of the
 * listing's, which still holds the line as it was.
 */
export class PatchedListingRule extends ListingRule {
  constructor(owner: RowOwner, line: number, start: number, layout: number, private readonly lineSource: string) {
    super(owner, line, start, 0, layout);
  }

  protected override get source(): string {
    return this.lineSource;
  }
}

/**
 * Gives a row its target from the target column (`cols` as `splitRow` wrote
 * them): `[goto]` at the start of the text makes it a goto, and `-j NOTRACK`,
 * which lists as target CT with the text NOTRACK, keeps the name NOTRACK as
 * iptables-save does. `names` gives the one string kept for each name.
 * True when the row got a target named as its column reads (the name
 * `names` gave last).
 */
export function setRowTarget(
  rule: ListingRule, source: string, lineStart: number, lineEnd: number, cols: Int32Array,
  names: { intern(text: string, s: number, e: number): string },
): boolean {
  const ts = cols[COL_TARGET];
  if (ts < 0) return false;
  const te = cols[COL_TARGET + 1];
  const textStart = lineStart + cols[COL_DESTINATION + 1];
  const goto = source.startsWith('[goto]', firstNonBlank(source, textStart));
  let name = names.intern(source, lineStart + ts, lineStart + te);
  let asListed = true;
  if (te - ts === 2 && name === 'CT') {
    const at = lineEnd - 7;
    if (at >= textStart && source.startsWith('NOTRACK', at) && (at === textStart || /\s/.test(source[at - 1]))) {
      name = 'NOTRACK';
      asListed = false;
    }
  }
  rule.setTarget(name, goto);
  return asListed;
}

function firstNonBlank(s: string, from: number): number {
  let i = from;
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  return i;
}
