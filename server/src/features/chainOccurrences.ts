/**
 * Every place a chain name is written in a table block: its declaration
 * (`:X`, `-N X`, `-P X`, a listing's `Chain X (…)` header), the chain name of
 * each of its `-A`/`-I` lines, and every `-j X` / `-g X` (a listing's target
 * column). Definition, references, highlight, rename, CodeLens and the call
 * hierarchy all read this one index, built once per Analysis on first use.
 */
import type { Analysis } from '../model/analysis';
import type { Chain, Rule, Span, Table } from '../model/types';
import { compareSpans, ruleLine } from '../model/span';

/** How an occurrence uses the name. */
export type OccurrenceKind = 'declaration' | 'rule' | 'jump' | 'goto';

export interface Occurrence {
  name: string;
  kind: OccurrenceKind;
  /** The span of the name itself. */
  span: Span;
  /** The rule the name stands in (for `rule`, `jump` and `goto`). */
  rule?: Rule;
}

/** A chain name under the cursor, resolved within its table block. */
export interface ChainRef {
  table: Table;
  name: string;
  /** The span of the name under the cursor. */
  span: Span;
  kind: OccurrenceKind;
  /** The chain of that name in the table; undefined for a jump to a chain that does not exist. */
  chain: Chain | undefined;
}

/** A target name under the cursor that is not a chain (ACCEPT, DNAT, …). */
export interface TargetRef {
  table: Table;
  name: string;
  span: Span;
}

/** Occurrences already gathered, per table block and name. */
type TableIndex = Map<string, Occurrence[]>;

const indexes = new WeakMap<Analysis, Map<Table, TableIndex>>();

function compare(a: Occurrence, b: Occurrence): number {
  return compareSpans(a.span, b.span);
}

/**
 * The occurrences of one name, gathered from the chain itself and the graph's
 * jumps into it: on a 41k-chain dump, indexing every name up front cost
 * hundreds of MB for the one name a user asked about.
 */
function gather(analysis: Analysis, table: Table, name: string): Occurrence[] {
  const out: Occurrence[] = [];
  const chain = table.chainsByName.get(name);
  const graph = analysis.graphOf(table);
  if (chain) {
    if (chain.nameSpan) out.push({ name, kind: 'declaration', span: chain.nameSpan });
    for (const rule of chain.rules) {
      const span = rule.chainNameSpan;
      if (span) out.push({ name, kind: 'rule', span, rule });
    }
    for (const e of graph.incoming.get(name) ?? []) out.push({ name, kind: e.kind, span: e.rule.target!.nameSpan, rule: e.rule });
  } else {
    // Jumps to a chain the table does not have.
    for (const rule of graph.dangling) {
      const t = rule.target!;
      if (t.name === name) out.push({ name, kind: t.kind === 'goto' ? 'goto' : 'jump', span: t.nameSpan, rule });
    }
  }
  // Jumps come from anywhere, and -I lines reorder rules: document order needs a sort.
  for (let i = 1; i < out.length; i++) {
    if (compare(out[i - 1], out[i]) > 0) {
      out.sort(compare);
      break;
    }
  }
  return out;
}

/** All occurrences of a chain name in one table block, in document order. */
export function occurrencesOf(analysis: Analysis, table: Table, name: string): readonly Occurrence[] {
  let perTable = indexes.get(analysis);
  if (!perTable) {
    perTable = new Map();
    indexes.set(analysis, perTable);
  }
  let index = perTable.get(table);
  if (!index) {
    index = new Map();
    perTable.set(table, index);
  }
  let found = index.get(name);
  if (!found) {
    found = gather(analysis, table, name);
    index.set(name, found);
  }
  return found;
}

/**
 * The chain name at a position: a declaration's name, the chain after
 * `-A`/`-I`, or a jump/goto target. Undefined anywhere else, including on
 * targets that are not chains (see `targetAt`).
 */
export function chainAt(analysis: Analysis, line: number, character: number): ChainRef | undefined {
  const hit = analysis.hitAt(line, character);
  if (!hit) return undefined;
  const table = hit.table;
  switch (hit.kind) {
    case 'chainDecl': {
      const span = hit.chain.nameSpan;
      if (!span || span.line !== line || character < span.start || character > span.end) return undefined;
      return { table, name: hit.chain.name, span, kind: 'declaration', chain: hit.chain };
    }
    case 'ruleChain':
      return { table, name: hit.chain.name, span: hit.rule.chainNameSpan!, kind: 'rule', chain: hit.chain };
    case 'target': {
      const t = hit.rule.target!;
      if (t.kind !== 'jump' && t.kind !== 'goto') return undefined;
      return { table, name: t.name, span: t.nameSpan, kind: t.kind, chain: table.chainsByName.get(t.name) };
    }
    default:
      return undefined;
  }
}

/** A target under the cursor that names no chain (ACCEPT, DNAT, …), for clear refusals. */
export function targetAt(analysis: Analysis, line: number, character: number): TargetRef | undefined {
  const hit = analysis.hitAt(line, character);
  if (!hit || hit.kind !== 'target') return undefined;
  const t = hit.rule.target!;
  if (t.kind === 'jump' || t.kind === 'goto') return undefined;
  return { table: hit.table, name: t.name, span: t.nameSpan };
}

/** The chain whose declaration or rule is on a line (the "enclosing" chain for a cursor anywhere on it). */
export function chainOnLine(analysis: Analysis, line: number): { table: Table; chain: Chain } | undefined {
  const entry = analysis.entryAt(line);
  return entry ? { table: entry.table, chain: entry.chain } : undefined;
}

/** Rules in the table that jump or go to a chain (its references, as iptables counts them). */
export function jumpsTo(analysis: Analysis, table: Table, name: string): Occurrence[] {
  return occurrencesOf(analysis, table, name).filter((o) => o.kind === 'jump' || o.kind === 'goto');
}

/**
 * Where a chain is best shown: its declaration, or for a chain only ever
 * appended to (`-A X` with no `-N X`), its first rule's chain name.
 */
export function chainAnchor(chain: Chain): { range: Span; selection: Span } | undefined {
  if (chain.declSpan && chain.nameSpan) return { range: chain.declSpan, selection: chain.nameSpan };
  let first: Rule | undefined;
  for (const r of chain.rules) {
    if (r.chainNameSpan && (!first || r.span.line < first.span.line)) first = r;
  }
  return first ? { range: first.span, selection: first.chainNameSpan! } : undefined;
}

/**
 * The lines a chain occupies, for the outline and folding. A listing chain
 * runs from its header to its last row. In save format a chain runs from its
 * declaration through its rules only when they follow it without a gap (the
 * `-N X` then `-A X …` style of `iptables -S` and hand-written files);
 * iptables-save lists all declarations first, so there a chain is its
 * declaration line. A chain with no declaration covers its first rule line.
 */
export function chainExtent(chain: Chain, format: 'save' | 'listing'): Span | undefined {
  const anchor = chainAnchor(chain);
  if (!anchor) return undefined;
  const start = anchor.range;
  // Rules are found by their line numbers, and only the last one's span is made: the outline asks this of 41k chains with 115k rules.
  let last: Rule | undefined;
  if (format === 'listing') {
    let lastLine = start.endLine;
    for (const r of chain.rules) {
      const line = ruleLine(r);
      if (line > lastLine) {
        last = r;
        lastLine = line;
      }
    }
  } else {
    // A rule is one line. Most save dumps declare every chain first: then the line after the declaration holds no rule of it.
    let next = start.endLine + 1;
    if (chain.rules.some((r) => ruleLine(r) === next)) {
      const byLine = [...chain.rules].sort((a, b) => ruleLine(a) - ruleLine(b));
      for (const r of byLine) {
        const line = ruleLine(r);
        if (line <= start.line) continue;
        if (line !== next) break;
        last = r;
        next = line + 1;
      }
    }
  }
  const end = last ? last.span : start;
  return { line: start.line, start: start.start, endLine: end.endLine, end: end.end };
}
