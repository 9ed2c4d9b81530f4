import type { Chain, Edge, TableGraph } from '../model/types';
import { ruleLine } from './rules';

/**
 * For every built-in chain of a table, when each chain becomes reachable from
 * it. The kernel checks hook restrictions and loops each time a rule is added,
 * in file order, so the rule it names is the one that completes the path: the
 * answer is, per chain, the smallest over all paths of the path's latest line
 * (a bottleneck shortest path), and the jump on that line.
 *
 * Chains are numbered by name (the graph keys its edges by name); the answer
 * is one array per built-in chain, so asking is a lookup, not a map per chain.
 */
export class Arrivals {
  /** The built-in chains' names, in table order. */
  readonly roots: string[] = [];
  private readonly chains: Chain[];
  private readonly byName: ReadonlyMap<string, Chain>;
  /** Chain numbers by name; null when a chain's number is its position (unique names, positions known). */
  private readonly ids: Map<string, number> | null = null;
  /** Per root: the arrival line of each chain (-1 for the root itself, UNREACHED when never). */
  private readonly lines: Int32Array[] = [];
  /** Per root: the jump on the arrival line of each chain (null for the root itself). */
  private readonly edges: (Edge | null)[][] = [];

  constructor(graph: TableGraph) {
    const chains = (this.chains = graph.table.chains);
    this.byName = graph.table.chainsByName;
    let positional = this.byName.size === chains.length;
    for (let i = 0; i < chains.length && positional; i++) positional = chains[i].index === i;
    if (!positional) {
      const ids = (this.ids = new Map());
      for (const c of chains) if (!ids.has(c.name)) ids.set(c.name, ids.size);
    }
    const n = this.ids ? this.ids.size : chains.length;
    // The jumps the kernel keeps (a jump to a built-in chain is refused on its own), by line.
    const kept = graph.edges.filter((e) => !e.to.builtin);
    const m = kept.length;
    const from = new Int32Array(m);
    const to = new Int32Array(m);
    const line = new Int32Array(m);
    // Sorted by line as one number per jump (line * m + index), which sorts natively.
    const keys = new Float64Array(m);
    const idOf = (c: Chain) => this.idOfChain(c) ?? -1;
    for (let i = 0; i < m; i++) {
      const e = kept[i];
      from[i] = idOf(e.from);
      to[i] = idOf(e.to);
      line[i] = ruleLine(e.rule);
      keys[i] = line[i] * m + i;
    }
    keys.sort();
    const order = new Int32Array(m);
    for (let k = 0; k < m; k++) order[k] = keys[k] % m;
    // Outgoing jumps of each chain (compressed rows).
    const first = new Int32Array(n + 1);
    for (let i = 0; i < kept.length; i++) if (from[i] >= 0) first[from[i] + 1]++;
    for (let i = 0; i < n; i++) first[i + 1] += first[i];
    const fill = first.slice(0, n);
    const succ = new Int32Array(kept.length);
    for (let i = 0; i < kept.length; i++) if (from[i] >= 0) succ[fill[from[i]]++] = i;

    const stack: number[] = [];
    for (const root of chains) {
      if (!root.builtin || this.roots.includes(root.name)) continue;
      const arrive = new Int32Array(n).fill(UNREACHED);
      const via: (Edge | null)[] = new Array(n).fill(null);
      const r = this.idOfChain(root)!;
      arrive[r] = -1;
      // Rules in file order: a jump from a reached chain reaches its target at its own line, and with it
      // everything the target reaches through jumps already read.
      for (let k = 0; k < order.length; k++) {
        const e = order[k];
        const u = from[e];
        const v = to[e];
        if (u < 0 || v < 0 || arrive[u] === UNREACHED || arrive[v] !== UNREACHED) continue;
        const at = line[e];
        arrive[v] = at;
        via[v] = kept[e];
        stack.push(v);
        while (stack.length) {
          const w = stack.pop()!;
          for (let s = first[w]; s < first[w + 1]; s++) {
            const f = succ[s];
            const x = to[f];
            if (x < 0 || line[f] > at || arrive[x] !== UNREACHED) continue;
            arrive[x] = at;
            via[x] = kept[e];
            stack.push(x);
          }
        }
      }
      this.roots.push(root.name);
      this.lines.push(arrive);
      this.edges.push(via);
    }
  }

  /** The number of a chain name, for lineAt and edgeAt. */
  idOf(name: string): number | undefined {
    if (this.ids) return this.ids.get(name);
    const c = this.byName.get(name);
    return c ? c.index : undefined;
  }

  /** The number of a chain of the table. */
  idOfChain(c: Chain): number | undefined {
    return !this.ids && this.chains[c.index] === c ? c.index : this.idOf(c.name);
  }

  /** The line at which chain number `id` is first reached from root number `root` (-1 for the root, NEVER when never). */
  lineAt(root: number, id: number): number {
    return this.lines[root][id];
  }

  /** The jump on that line. */
  edgeAt(root: number, id: number): Edge | null {
    return this.edges[root][id];
  }

  /** When chain `name` is first reached from root number `root`; undefined when never. */
  at(root: number, name: string): Arrival | undefined {
    const id = this.idOf(name);
    if (id === undefined) return undefined;
    const line = this.lines[root][id];
    return line === UNREACHED ? undefined : { line, edge: this.edges[root][id] };
  }
}

const UNREACHED = 0x7fffffff;

/** What lineAt answers for a chain a root never reaches. */
export const NEVER = UNREACHED;

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
