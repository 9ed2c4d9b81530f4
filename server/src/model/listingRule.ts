import { PROTOCOL_ALIASES, PROTOCOL_NAMES } from './listingNames';
import { parseListingText, type ListingText } from './listingText';
import { lineSpan } from './span';
import type { Counters, Match, Option, Rule, Span, Target, TargetKind } from './types';

/** A word of a listing row with its offsets in the line. */
export interface RowWord {
  s: number;
  e: number;
  t: string;
}

/** The columns of one listing row (null where the listing has no such column or it is blank). */
export interface RowColumns {
  num: RowWord | null;
  pkts: RowWord | null;
  bytes: RowWord | null;
  target: RowWord | null;
  prot: RowWord;
  opt: RowWord | null;
  inIface: RowWord | null;
  outIface: RowWord | null;
  source: RowWord;
  destination: RowWord;
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
function columnMatch(module: string, w: RowWord, line: number, normalise: (v: string) => string | null): Match | null {
  const negated = w.t.startsWith('!');
  const raw = negated ? w.t.slice(1) : w.t;
  const value = negated ? normalise(raw) ?? raw : normalise(raw);
  if (value === null) return null;
  const span = lineSpan(line, w.s, w.e);
  const opt: Option = {
    name: module, value, values: [value], negated, span, nameSpan: span,
    valueSpan: lineSpan(line, w.s + (negated ? 1 : 0), w.e),
  };
  return { module, implicit: true, negated, options: [opt], span, moduleSpan: null, text: w.t };
}

/** The target column of a row; its options come from the row's text, read on first use. */
class ListingTarget implements Target {
  kind: TargetKind;
  constructor(private readonly rule: ListingRule, public name: string, public goto: boolean, public nameSpan: Span) {
    this.kind = goto ? 'goto' : 'jump';
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
 * one pass and their columns and text become matches the first time anything
 * asks for them.
 */
export class ListingRule implements Rule {
  index = 0;
  readonly chainNameSpan = null;
  readonly command = 'row' as const;
  target: Target | null = null;
  lineNumber?: number;
  private parsedText: ListingText | null = null;
  private parsedMatches: Match[] | null = null;

  constructor(
    public table: string,
    public chain: string,
    public span: Span,
    public counters: Counters | null,
    private readonly lineText: string,
    private readonly columns: RowColumns,
  ) {
    const t = columns.target;
    if (t) {
      const textStart = columns.destination.e;
      const goto = lineText.startsWith('[goto]', firstNonBlank(lineText, textStart));
      let name = t.t;
      // `-j NOTRACK` lists as target CT with the text NOTRACK; iptables-save keeps the name NOTRACK.
      if (name === 'CT' && /(^|\s)NOTRACK\s*$/.test(lineText.slice(textStart))) name = 'NOTRACK';
      this.target = new ListingTarget(this, name, goto, lineSpan(span.line, t.s, t.e));
    }
    if (columns.num) this.lineNumber = Number(columns.num.t);
  }

  /** The row's text after the destination column, parsed once. */
  text(): ListingText {
    if (!this.parsedText) this.parsedText = parseListingText(this.lineText, this.columns.destination.e, this.span.line, this.columns.target?.t ?? null);
    return this.parsedText;
  }

  get comments(): string[] {
    return this.text().comments;
  }

  /** Matches in iptables-save order: -s, -d, -i, -o, -p, -f, then the matches of the text. */
  get matches(): Match[] {
    if (this.parsedMatches) return this.parsedMatches;
    const c = this.columns;
    const line = this.span.line;
    const out: Match[] = [];
    const push = (m: Match | null) => {
      if (m) out.push(m);
    };
    push(columnMatch('source', c.source, line, normaliseAddress));
    push(columnMatch('destination', c.destination, line, normaliseAddress));
    if (c.inIface) push(columnMatch('in-interface', c.inIface, line, normaliseInterface));
    if (c.outIface) push(columnMatch('out-interface', c.outIface, line, normaliseInterface));
    push(columnMatch('protocol', c.prot, line, normaliseProtocol));
    if (c.opt && c.opt.t !== '--') {
      const span = lineSpan(line, c.opt.s, c.opt.e);
      out.push({ module: 'fragment', implicit: true, negated: c.opt.t === '!f', options: [], span, moduleSpan: null, text: c.opt.t });
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
