import type { Chain, Edge, TableGraph } from '../model/types';
import { perShape } from '../model/buildGraph';
import { numberedJumps, type NumberedJumps } from './graphEdges';

/**
 * For every built-in chain of a table, when each chain becomes reachable from
 * it. The kernel checks hook restrictions and loops each time a rule is added,
 * in file order, so the rule it names is the one that completes the path: the
 * answer is, per chain, the smallest over all paths of the path's latest line
 * (a bottleneck shortest path), and the jump on that line.
 *
 * Chains are numbers (see NumberedJumps); the answer is one array per
 * built-in chain, so asking is a lookup, not a map per chain.
 */
export class Arrivals {
  /** The built-in chains' names, in table order. */
  readonly roots: string[] = [];
  private readonly jumps: NumberedJumps;
  /** Per root: the arrival line of each chain (-1 for the root itself, NEVER when never). */
  private readonly lines: Int32Array[] = [];
  /** Per root: the jump (index into the kept jumps) on the arrival line of each chain, -1 for the root. */
  private readonly vias: Int32Array[] = [];

  constructor(graph: TableGraph) {
    const jumps = (this.jumps = numberedJumps(graph));
    const { from, to, line } = jumps;
    const n = jumps.names.length;
    const m = from.length;
    // Jumps by line, as one number each (line * m + index), which sorts natively.
    const keys = new Float64Array(m);
    for (let i = 0; i < m; i++) keys[i] = line[i] * m + i;
    keys.sort();
    const order = new Int32Array(m);
    for (let k = 0; k < m; k++) order[k] = keys[k] % m;
    // Jumps out of each chain (compressed rows).
    const first = new Int32Array(n + 1);
    for (let i = 0; i < m; i++) if (from[i] >= 0) first[from[i] + 1]++;
    for (let i = 0; i < n; i++) first[i + 1] += first[i];
    const fill = first.slice(0, n);
    const succ = new Int32Array(m);
    for (let i = 0; i < m; i++) if (from[i] >= 0) succ[fill[from[i]]++] = i;

    const stack: number[] = [];
    for (const { name, id: r } of jumps.roots) {
      const arrive = new Int32Array(n).fill(NEVER);
      const via = new Int32Array(n).fill(-1);
      arrive[r] = -1;
      // Rules in file order: a jump from a reached chain reaches its target at its own line, and with it
      // everything the target reaches through jumps already read.
      for (let k = 0; k < m; k++) {
        const e = order[k];
        const u = from[e];
        const v = to[e];
        if (u < 0 || v < 0 || arrive[u] === NEVER || arrive[v] !== NEVER) continue;
        const at = line[e];
        arrive[v] = at;
        via[v] = e;
        stack.push(v);
        while (stack.length) {
          const w = stack.pop()!;
          for (let s = first[w]; s < first[w + 1]; s++) {
            const f = succ[s];
            const x = to[f];
            if (x < 0 || line[f] > at || arrive[x] !== NEVER) continue;
            arrive[x] = at;
            via[x] = e;
            stack.push(x);
          }
        }
      }
      this.roots.push(name);
      this.lines.push(arrive);
      this.vias.push(via);
    }
  }

  /** The number of a chain name, for lineAt and edgeAt. */
  idOf(name: string): number | undefined {
    return this.jumps.idOf(name);
  }

  /** The number of a chain of the table. */
  idOfChain(c: Chain): number | undefined {
    return this.jumps.idOfChain(c);
  }

  /** The line at which chain number `id` is first reached from root number `root` (-1 for the root, NEVER when never). */
  lineAt(root: number, id: number): number {
    return this.lines[root][id];
  }

  /** The jump on that line (null for the root itself). */
  edgeAt(root: number, id: number): Edge | null {
    const e = this.vias[root][id];
    return e < 0 ? null : this.jumps.edge(e);
  }

  /** When chain `name` is first reached from root number `root`; undefined when never. */
  at(root: number, name: string): Arrival | undefined {
    const id = this.idOf(name);
    if (id === undefined) return undefined;
    const line = this.lines[root][id];
    return line === NEVER ? undefined : { line, edge: this.edgeAt(root, id) };
  }
}

/**
 * Which built-in chains reach each chain at all, whatever the lines: a
 * breadth-first search per built-in chain over numbers. Most rules that use
 * a hook-restricted extension sit in chains no wrong hook reaches, and
 * need no arrival lines.
 */
export class Reach {
  /** The built-in chains' names, in the order of Arrivals.roots. */
  readonly roots: string[] = [];
  private readonly jumps: NumberedJumps;
  /** Per chain number: bit r set when root r reaches it. */
  private readonly masks: Int32Array;

  constructor(graph: TableGraph) {
    const jumps = (this.jumps = numberedJumps(graph));
    const { from, to } = jumps;
    const n = jumps.names.length;
    const first = new Int32Array(n + 1);
    for (let i = 0; i < from.length; i++) if (from[i] >= 0 && to[i] >= 0) first[from[i] + 1]++;
    for (let i = 0; i < n; i++) first[i + 1] += first[i];
    const fill = first.slice(0, n);
    const succ = new Int32Array(first[n]);
    for (let i = 0; i < from.length; i++) if (from[i] >= 0 && to[i] >= 0) succ[fill[from[i]]++] = to[i];
    this.masks = new Int32Array(n);
    const stack: number[] = [];
    jumps.roots.forEach(({ name, id }, r) => {
      const bit = 1 << r;
      this.roots.push(name);
      this.masks[id] |= bit;
      stack.push(id);
      while (stack.length) {
        const v = stack.pop()!;
        for (let s = first[v]; s < first[v + 1]; s++) {
          const w = succ[s];
          if (this.masks[w] & bit) continue;
          this.masks[w] |= bit;
          stack.push(w);
        }
      }
    });
  }

  /** The roots (bits, by root number) that reach a chain of the table. */
  rootsReaching(c: Chain): number {
    const id = this.jumps.idOfChain(c);
    return id === undefined ? 0 : this.masks[id];
  }
}

const reached = new WeakMap<object, Reach>();

/** The reach of a table graph, computed once per graph shape (see graphShape). */
export function reachOf(graph: TableGraph): Reach {
  return perShape(reached, graph, () => new Reach(graph));
}

const made = new WeakMap<object, Arrivals>();

/** The arrivals of a table graph, computed once per graph shape (target-wrong-chain and jump-loop both ask). */
export function arrivalsOf(graph: TableGraph): Arrivals {
  return perShape(made, graph, () => new Arrivals(graph));
}

/** What lineAt answers for a chain a root never reaches. */
export const NEVER = 0x7fffffff;

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
