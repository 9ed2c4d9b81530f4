/**
 * Call hierarchy over chains: incoming calls are the chains with rules that
 * jump or go to a chain (fromRanges: those rules), outgoing calls are the
 * chains it jumps or goes to (fromRanges: its rules that do so).
 */
import {
  SymbolKind, type CallHierarchyIncomingCall, type CallHierarchyItem, type CallHierarchyOutgoingCall, type Range,
} from 'vscode-languageserver';
import type { Analysis } from '../model/analysis';
import type { Chain, Edge, Table } from '../model/types';
import { chainAnchor, chainAt, chainExtent } from './chainOccurrences';
import { toRange } from './convert';
import { chainDetail } from './documentSymbols';

interface ItemData {
  table: number;
  chain: string;
}

function item(analysis: Analysis, uri: string, table: Table, chain: Chain): CallHierarchyItem | undefined {
  const anchor = chainAnchor(chain);
  const extent = chainExtent(chain, analysis.ruleset.format);
  if (!anchor || !extent) return undefined;
  const data: ItemData = { table: analysis.ruleset.tables.indexOf(table), chain: chain.name };
  return {
    name: chain.name,
    kind: chain.builtin ? SymbolKind.Event : SymbolKind.Function,
    detail: `${table.name} · ${chainDetail(analysis, table, chain)}`,
    uri,
    range: toRange(extent),
    selectionRange: toRange(anchor.selection),
    data,
  };
}

/** The chain under the cursor as a call hierarchy item. */
export function prepareCallHierarchy(analysis: Analysis, uri: string, line: number, character: number): CallHierarchyItem[] {
  const ref = chainAt(analysis, line, character);
  if (!ref?.chain) return [];
  const it = item(analysis, uri, ref.table, ref.chain);
  return it ? [it] : [];
}

function resolve(analysis: Analysis, it: CallHierarchyItem): { table: Table; chain: Chain } | undefined {
  const data = it.data as ItemData | undefined;
  const table = data ? analysis.ruleset.tables[data.table] : undefined;
  const chain = table?.chainsByName.get(data!.chain);
  return table && chain ? { table, chain } : undefined;
}

/** Groups edges by the chain at their other end, keeping first-seen order. */
function group(edges: readonly Edge[], other: (e: Edge) => Chain): Map<Chain, Range[]> {
  const by = new Map<Chain, Range[]>();
  for (const e of edges) {
    const c = other(e);
    const list = by.get(c);
    const r = toRange(e.rule.span);
    if (list) list.push(r);
    else by.set(c, [r]);
  }
  return by;
}

export function incomingCalls(analysis: Analysis, it: CallHierarchyItem): CallHierarchyIncomingCall[] {
  const found = resolve(analysis, it);
  if (!found) return [];
  const edges = analysis.graphOf(found.table).incoming.get(found.chain.name) ?? [];
  const out: CallHierarchyIncomingCall[] = [];
  for (const [from, ranges] of group(edges, (e) => e.from)) {
    const fromItem = item(analysis, it.uri, found.table, from);
    if (fromItem) out.push({ from: fromItem, fromRanges: ranges });
  }
  return out;
}

export function outgoingCalls(analysis: Analysis, it: CallHierarchyItem): CallHierarchyOutgoingCall[] {
  const found = resolve(analysis, it);
  if (!found) return [];
  const edges = analysis.graphOf(found.table).outgoing.get(found.chain.name) ?? [];
  const out: CallHierarchyOutgoingCall[] = [];
  for (const [to, ranges] of group(edges, (e) => e.to)) {
    const toItem = item(analysis, it.uri, found.table, to);
    if (toItem) out.push({ to: toItem, fromRanges: ranges });
  }
  return out;
}
