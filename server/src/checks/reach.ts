import type { Chain, Edge, TableGraph } from '../model/types';

/** How a chain is first reached from one built-in chain, as rules are added in file order. */
export interface Arrival {
  /**
   * The line of the last rule that has to exist for the chain to be reached
   * (the smallest such line over all paths); -1 for the built-in chain itself.
   */
  line: number;
  /** The jump on that line (null for the built-in chain itself). */
  edge: Edge | null;
}

/**
 * For every built-in chain of a table, when each chain becomes reachable from
 * it. The kernel checks hook restrictions and loops each time a rule is added,
 * in file order, so the rule it names is the one that completes the path: the
 * answer is a shortest path where a path's length is its latest line.
 */
export function arrivals(graph: TableGraph): Map<string, Map<string, Arrival>> {
  const result = new Map<string, Map<string, Arrival>>();
  for (const chain of graph.table.chains) {
    if (chain.builtin) result.set(chain.name, arrivalsFrom(chain, graph));
  }
  return result;
}

function arrivalsFrom(root: Chain, graph: TableGraph): Map<string, Arrival> {
  const best = new Map<string, Arrival>([[root.name, { line: -1, edge: null }]]);
  const heap = new MinHeap<string>();
  heap.push(-1, root.name);
  const done = new Set<string>();
  while (heap.size) {
    const [at, name] = heap.pop()!;
    if (done.has(name)) continue;
    done.add(name);
    const from = best.get(name)!;
    if (at !== from.line) continue;
    for (const e of graph.outgoing.get(name) ?? []) {
      // The kernel refuses jumps to built-in chains, so they lead nowhere.
      if (e.to.builtin) continue;
      const line = e.rule.span.line;
      const arrive = Math.max(from.line, line);
      const known = best.get(e.to.name);
      if (!known || arrive < known.line) {
        best.set(e.to.name, { line: arrive, edge: line >= from.line ? e : from.edge });
        heap.push(arrive, e.to.name);
      }
    }
  }
  return best;
}

/** A small binary heap keyed by number. */
class MinHeap<T> {
  private keys: number[] = [];
  private values: T[] = [];
  get size(): number {
    return this.keys.length;
  }
  push(key: number, value: T): void {
    const k = this.keys;
    const v = this.values;
    k.push(key);
    v.push(value);
    let i = k.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p] <= k[i]) break;
      [k[p], k[i]] = [k[i], k[p]];
      [v[p], v[i]] = [v[i], v[p]];
      i = p;
    }
  }
  pop(): [number, T] | undefined {
    const k = this.keys;
    const v = this.values;
    if (!k.length) return undefined;
    const top: [number, T] = [k[0], v[0]];
    const lastK = k.pop()!;
    const lastV = v.pop()!;
    if (k.length) {
      k[0] = lastK;
      v[0] = lastV;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < k.length && k[l] < k[m]) m = l;
        if (r < k.length && k[r] < k[m]) m = r;
        if (m === i) break;
        [k[m], k[i]] = [k[i], k[m]];
        [v[m], v[i]] = [v[i], v[m]];
        i = m;
      }
    }
    return top;
  }
}
