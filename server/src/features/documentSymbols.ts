/**
 * The outline: one symbol per table block, with its chains inside. A chain's
 * detail says its policy (built-in) or how many rules jump to it (user
 * chain), its rule count and its counters. Ranges follow `chainExtent`: a
 * listing chain spans its header through its last row; a save chain spans its
 * declaration, extended over its rules only when they follow it directly.
 * Built-in chains the dump never mentions (the kernel's implicit ones) are
 * left out: there is nothing in the text to show.
 */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { Analysis } from '../model/analysis';
import type { Chain, Counters, Table } from '../model/types';
import { chainAnchor, chainExtent } from './chainOccurrences';
import { toRange } from './convert';

/** 1234567 → "1.2M", as a compact figure for details. */
export function compactNumber(n: number): string {
  if (n < 10000) return String(n);
  const units = ['K', 'M', 'G', 'T', 'P'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)}${units[u]}`;
}

function countersText(c: Counters | null): string | null {
  if (!c) return null;
  return `${c.approximate ? '~' : ''}${compactNumber(c.packets)} pkts, ${compactNumber(c.bytes)} bytes`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The one-line description of a chain, shared by outline, workspace symbols and the graph. */
export function chainDetail(analysis: Analysis, table: Table, chain: Chain): string {
  const parts: string[] = [];
  if (chain.builtin) parts.push(`policy ${chain.policy ?? 'ACCEPT'}`);
  // The graph's incoming edges are exactly the rules that jump or go here: a lookup, not a scan.
  else parts.push(plural(analysis.graphOf(table).incoming.get(chain.name)?.length ?? 0, 'reference'));
  parts.push(plural(chain.rules.length, 'rule'));
  const c = countersText(chain.counters);
  if (c) parts.push(c);
  return parts.join(' · ');
}

/** One outline per document version: the editor asks for it again and again (outline view, breadcrumbs, sticky scroll). */
const outlines = new WeakMap<Analysis, DocumentSymbol[]>();

export function documentSymbols(analysis: Analysis): DocumentSymbol[] {
  let outline = outlines.get(analysis);
  if (!outline) outlines.set(analysis, (outline = buildOutline(analysis)));
  return outline;
}

function buildOutline(analysis: Analysis): DocumentSymbol[] {
  const { ruleset } = analysis;
  const out: DocumentSymbol[] = [];
  for (const table of ruleset.tables) {
    const children: DocumentSymbol[] = [];
    for (const chain of table.chains) {
      const anchor = chainAnchor(chain);
      const extent = chainExtent(chain, ruleset.format);
      if (!anchor || !extent) continue;
      children.push({
        name: chain.name,
        detail: chainDetail(analysis, table, chain),
        kind: chain.builtin ? SymbolKind.Event : SymbolKind.Function,
        range: toRange(extent),
        selectionRange: toRange(anchor.selection),
      });
    }
    children.sort((a, b) => a.range.start.line - b.range.start.line);
    // A table's range must hold its chains, whatever the parser inferred for it.
    let range = toRange(table.span);
    for (const c of children) {
      if (c.range.start.line < range.start.line) range = { start: c.range.start, end: range.end };
      if (c.range.end.line > range.end.line) range = { start: range.start, end: c.range.end };
    }
    const selection = table.nameSpan ? toRange(table.nameSpan) : { start: range.start, end: range.start };
    out.push({
      name: table.name,
      detail: `${plural(table.chains.length, 'chain')} · ${plural(table.chains.reduce((n, c) => n + c.rules.length, 0), 'rule')}`,
      kind: SymbolKind.Namespace,
      range,
      selectionRange: selection,
      children,
    });
  }
  return out;
}
