import { PROTOCOL_ALIASES, PROTOCOL_NAMES } from './listingNames';
import { parseListingText, type ListingText } from './listingText';
import { lineSpan } from './span';
import type { Counters, Match, Option, Problem, Rule, Span, Target, TargetKind } from './types';

/**
 * Where the columns of a row are: pairs of [start, end) character offsets in
 * the line, at these indexes, -1 where the listing has no such column or it is
 * blank. One small typed array per row keeps a 100k-row listing cheap.
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

/** The target column of a row; its options come from the row's text, read on first use. */
class ListingTarget implements Target {
  kind: TargetKind;
  constructor(private readonly rule: ListingRule, public name: string, public goto: boolean) {
    this.kind = goto ? 'goto' : 'jump';
  }

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

/**
 * One row of an `iptables -L` listing. The chain graph needs only the target
 * column (and whether the text starts with `[goto]`), so rows are indexed in
 * one pass and their columns and text become matches, counters and comments
 * the first time anything asks for them.
 */
export class ListingRule implements Rule {
  index = 0;
  target: Target | null = null;
  lineNumber?: number;
  private parsedText: ListingText | null = null;
  private parsedMatches: Match[] | null = null;
  private parsedCounters: Counters | null | undefined = undefined;

  constructor(
    public table: string,
    public chain: string,
    public span: Span,
    /** The whole listing; this row is the line starting at `lineStart`. */
    private readonly source: string,
    private readonly lineStart: number,
    /** The shared array holding this row's column offsets (COL_…), from `base` on. */
    private readonly colChunk: Int32Array,
    private readonly base: number,
  ) {
    const ts = this.col(COL_TARGET);
    if (ts >= 0) {
      const textStart = lineStart + this.col(COL_DESTINATION + 1);
      const goto = source.startsWith('[goto]', firstNonBlank(source, textStart));
      let name = source.slice(lineStart + ts, lineStart + this.col(COL_TARGET + 1));
      // `-j NOTRACK` lists as target CT with the text NOTRACK; iptables-save keeps the name NOTRACK.
      if (name === 'CT' && /(^|\s)NOTRACK$/.test(source.slice(textStart, lineStart + span.end))) name = 'NOTRACK';
      this.target = new ListingTarget(this, name, goto);
    }
    if (this.col(COL_NUM) >= 0) this.lineNumber = countAt(source, lineStart + this.col(COL_NUM), lineStart + this.col(COL_NUM + 1))?.value;
  }

  /** The row's line, without trailing blanks. */
  private get lineText(): string {
    return this.source.slice(this.lineStart, this.lineStart + this.span.end);
  }

  /** A column offset (COL_… for its start, COL_… + 1 for its end); -1 when absent. */
  private col(i: number): number {
    return this.colChunk[this.base + i];
  }

  ownProblems(): Problem[] {
    return [];
  }

  release(): void {
    this.parsedText = null;
    this.parsedMatches = null;
    this.parsedCounters = undefined;
  }

  get chainNameSpan(): null {
    return null;
  }

  get command(): 'row' {
    return 'row';
  }

  /** The span of a column (COL_…) of this row. */
  columnSpan(col: number): Span {
    return lineSpan(this.span.line, this.col(col), this.col(col + 1));
  }

  get counters(): Counters | null {
    if (this.parsedCounters !== undefined) return this.parsedCounters;
    let counters: Counters | null = null;
    if (this.col(COL_PKTS) >= 0) {
      const at = this.lineStart;
      const p = countAt(this.source, at + this.col(COL_PKTS), at + this.col(COL_PKTS + 1));
      const b = countAt(this.source, at + this.col(COL_BYTES), at + this.col(COL_BYTES + 1));
      if (p && b) {
        counters = { packets: p.value, bytes: b.value };
        if (p.approximate || b.approximate) counters.approximate = true;
      }
    }
    this.parsedCounters = counters;
    return counters;
  }

  /** The row's text after the destination column, parsed once. */
  text(): ListingText {
    if (!this.parsedText) {
      const ts = this.col(COL_TARGET);
      const line = this.lineText;
      const target = ts >= 0 ? line.slice(ts, this.col(COL_TARGET + 1)) : null;
      this.parsedText = parseListingText(line, this.col(COL_DESTINATION + 1), this.span.line, target);
    }
    return this.parsedText;
  }

  get comments(): string[] {
    return this.text().comments;
  }

  /** Matches in iptables-save order: -s, -d, -i, -o, -p, -f, then the matches of the text. */
  get matches(): Match[] {
    if (this.parsedMatches) return this.parsedMatches;
    const c = this.colChunk.subarray(this.base, this.base + COL_SIZE);
    const text = this.lineText;
    const line = this.span.line;
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
    for (const m of this.text().matches) out.push(m);
    this.parsedMatches = out;
    return out;
  }
}

function firstNonBlank(s: string, from: number): number {
  let i = from;
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  return i;
}
