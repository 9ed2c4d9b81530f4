import type { Edge, TableGraph } from '../model/types';

/**
 * The jumps the kernel keeps in its graph: a jump to a built-in chain is
 * refused on its own (see jumpToBuiltin), so it never joins a loop or a path.
 */
export function userEdges(graph: TableGraph): Edge[] {
  return graph.edges.filter((e) => !e.to.builtin);
}
