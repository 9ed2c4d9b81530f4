import type { Edge, TableGraph } from '../model/types';

/**
 * The jumps the kernel keeps in its graph: a jump to a built-in chain is
 * refused on its own (see jumpToBuiltin), so it never joins a loop or a path.
 */
export function userEdges(graph: TableGraph): Edge[] {
  return graph.edges.filter((e) => !e.to.builtin);
}

/** Outgoing user-chain edges by chain name, limited to rules on or before a line. */
export function outgoingUpTo(graph: TableGraph, lastLine: number): Map<string, Edge[]> {
  const out = new Map<string, Edge[]>();
  for (const e of userEdges(graph)) {
    if (e.rule.span.line > lastLine) continue;
    const list = out.get(e.from.name);
    if (list) list.push(e);
    else out.set(e.from.name, [e]);
  }
  return out;
}
