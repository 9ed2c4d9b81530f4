import type { ByName, Chain, ChainGraph, Edge, Ruleset, Rule, Table, TableGraph } from './types';

/**
 * Builds the chain graph of every table: one edge per rule that jumps or goes
 * to a chain of its table, the rules whose target names no chain and no known
 * target, reachability from the built-in chains, and jump loops. Iterative
 * throughout, so 10k-deep chains of jumps cannot overflow the stack.
 */
export function buildGraph(ruleset: Ruleset): ChainGraph {
  const byTable = new Map<Table, TableGraph>();
  for (const table of ruleset.tables) byTable.set(table, buildTableGraph(table));
  return { byTable };
}

/** Values per chain position, looked up by chain name through the table. */
class ChainIndexed<V> implements ByName<V> {
  constructor(private readonly table: Table, private readonly values: (V | undefined)[]) {}

  get(chain: string): V | undefined {
    const c = this.table.chainsByName.get(chain);
    return c && c.index >= 0 ? this.values[c.index] : undefined;
  }

  has(chain: string): boolean {
    return this.get(chain) !== undefined;
  }
}

export function buildTableGraph(table: Table): TableGraph {
  const chains = table.chains;
  const n = chains.length;
  for (let i = 0; i < n; i++) chains[i].index = i;
  const edges: Edge[] = [];
  const out: (Edge[] | undefined)[] = new Array(n);
  const into: (Edge[] | undefined)[] = new Array(n);
  // Successors in one flat array (CSR form) for the walks below.
  const first = new Int32Array(n + 1);
  const succ: number[] = [];
  const dangling: Rule[] = [];
  for (let i = 0; i < n; i++) {
    const chain = chains[i];
    first[i] = succ.length;
    let from: Edge[] | undefined;
    for (const rule of chain.rules) {
      const target = rule.target;
      if (!target || (target.kind !== 'jump' && target.kind !== 'goto')) continue;
      const to = target.chain !== undefined ? target.chain : table.chainsByName.get(target.name) ?? null;
      if (!to || chains[to.index] !== to) {
        dangling.push(rule);
        continue;
      }
      const j = to.index;
      const edge: Edge = { from: chain, to, rule, kind: target.kind };
      edges.push(edge);
      (from ??= []).push(edge);
      const list = into[j];
      if (list) list.push(edge);
      else into[j] = [edge];
      succ.push(j);
    }
    out[i] = from;
  }
  first[n] = succ.length;
  // Reachability from the built-in chains, on numbers.
  const seen: (true | undefined)[] = new Array(n);
  const stack: number[] = [];
  for (let i = 0; i < n; i++) {
    if (chains[i].builtin) {
      seen[i] = true;
      stack.push(i);
    }
  }
  while (stack.length) {
    const v = stack.pop()!;
    for (let k = first[v]; k < first[v + 1]; k++) {
      const w = succ[k];
      if (!seen[w]) {
        seen[w] = true;
        stack.push(w);
      }
    }
  }
  const outgoing = new ChainIndexed(table, out);
  return {
    table, edges, incoming: new ChainIndexed(table, into), outgoing, dangling,
    reachable: new ChainIndexed(table, seen), cycles: findCycles(chains, first, succ, outgoing),
  };
}

/** Tarjan's strongly connected components over chain numbers, iteratively; each looping component yields one closed path. */
function findCycles(chains: Chain[], first: Int32Array, succ: number[], outgoing: ByName<Edge[]>): string[][] {
  const n = chains.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const next = new Int32Array(n);
  const sccStack: number[] = [];
  const work: number[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue;
    index[root] = low[root] = counter++;
    next[root] = first[root];
    sccStack.push(root);
    onStack[root] = 1;
    work.push(root);
    while (work.length) {
      const v = work[work.length - 1];
      if (next[v] < first[v + 1]) {
        const w = succ[next[v]++];
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          next[w] = first[w];
          sccStack.push(w);
          onStack[w] = 1;
          work.push(w);
        } else if (onStack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1];
        if (low[v] < low[parent]) low[parent] = low[v];
      }
      if (low[v] === index[v]) {
        const members: string[] = [];
        let m: number;
        do {
          m = sccStack.pop()!;
          onStack[m] = 0;
          members.push(chains[m].name);
        } while (m !== v);
        let selfLoop = false;
        if (members.length === 1) {
          for (let k = first[v]; k < first[v + 1]; k++) if (succ[k] === v) selfLoop = true;
        }
        if (members.length > 1 || selfLoop) cycles.push(closedPath(new Set(members), outgoing));
      }
    }
  }
  return cycles;
}

/** A closed walk through a looping component, found by breadth-first search back to its first chain. */
function closedPath(members: Set<string>, outgoing: ByName<Edge[]>): string[] {
  const start = [...members].sort()[0];
  const prev = new Map<string, string>();
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const cur = queue[q];
    for (const e of outgoing.get(cur) ?? []) {
      const to = e.to.name;
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [cur];
        let p = cur;
        while (p !== start) {
          p = prev.get(p)!;
          path.push(p);
        }
        return path.reverse();
      }
      if (!prev.has(to)) {
        prev.set(to, cur);
        queue.push(to);
      }
    }
  }
  return [start];
}
