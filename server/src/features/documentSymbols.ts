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
import { edgeNumbers } from '../model/buildGraph';
import type { Chain, Counters, Table, TableGraph } from '../model/types';
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
  // The graph's incoming edges are exactly the rules that jump or go here: a lookup, not a scan.
  return detailWith(chain, chain.builtin ? 0 : analysis.graphOf(table).incoming.get(chain.name)?.length ?? 0);
}

function detailWith(chain: Chain, references: number): string {
  const parts: string[] = [];
  if (chain.builtin) parts.push(`policy ${chain.policy ?? 'ACCEPT'}`);
  else parts.push(plural(references, 'reference'));
  parts.push(plural(chain.rules.length, 'rule'));
  const c = countersText(chain.counters);
  if (c) parts.push(c);
  return parts.join(' · ');
}

/**
 * How many rules jump or go to each chain, for the whole outline at once.
 * Counted from the graph's edge numbers when it has them: asking for every
 * chain's incoming edges made 85k edge objects and 41k lists (8 MB on a
 * 10k-Service dump) that the outline only counts.
 */
function referenceCounter(graph: TableGraph): (chain: Chain) => number {
  const numbers = edgeNumbers(graph);
  if (!numbers) return (chain) => graph.incoming.get(chain.name)?.length ?? 0;
  const chains = graph.table.chains;
  const counts = new Int32Array(chains.length);
  for (const to of numbers.succ) counts[to]++;
  // By name through the graph's own table, as graph.incoming looks chains up.
  return (chain) => {
    const c = graph.table.chainsByName.get(chain.name);
    return c && c.index >= 0 && chains[c.index] === c ? counts[c.index] : 0;
  };
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
  // A kube-proxy dump's 41k chains have about a dozen distinct details: keep one string of each.
  const details = new Map<string, string>();
  for (const table of ruleset.tables) {
    const children: DocumentSymbol[] = [];
    let references: ((chain: Chain) => number) | undefined;
    for (const chain of table.chains) {
      const anchor = chainAnchor(chain);
      const extent = chainExtent(chain, ruleset.format);
      if (!anchor || !extent) continue;
      if (!chain.builtin) references ??= referenceCounter(analysis.graphOf(table));
      const text = detailWith(chain, chain.builtin ? 0 : references!(chain));
      let detail = details.get(text);
      if (detail === undefined) details.set(text, (detail = text));
      children.push({
        name: chain.name,
        detail,
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
