import type { Chain, ChainGraph, Edge, Ruleset, Rule, Table, TableGraph } from './types';

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

export function buildTableGraph(table: Table): TableGraph {
  const edges: Edge[] = [];
  const incoming = new Map<string, Edge[]>();
  const outgoing = new Map<string, Edge[]>();
  const dangling: Rule[] = [];
  for (const chain of table.chains) {
    for (const rule of chain.rules) {
      const target = rule.target;
      if (!target || (target.kind !== 'jump' && target.kind !== 'goto')) continue;
      const to = table.chainsByName.get(target.name);
      if (!to) {
        dangling.push(rule);
        continue;
      }
      const edge: Edge = { from: chain, to, rule, kind: target.kind };
      edges.push(edge);
      push(outgoing, chain.name, edge);
      push(incoming, to.name, edge);
    }
  }
  const reachable = new Set<string>();
  const stack: Chain[] = table.chains.filter((c) => c.builtin);
  for (const c of stack) reachable.add(c.name);
  while (stack.length) {
    const c = stack.pop()!;
    for (const e of outgoing.get(c.name) ?? []) {
      if (!reachable.has(e.to.name)) {
        reachable.add(e.to.name);
        stack.push(e.to);
      }
    }
  }
  return { table, edges, incoming, outgoing, dangling, reachable, cycles: findCycles(table, outgoing) };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Tarjan's strongly connected components over chain numbers, iteratively; each looping component yields one closed path. */
function findCycles(table: Table, outgoing: Map<string, Edge[]>): string[][] {
  const chains = table.chains;
  const n = chains.length;
  const id = new Map<Chain, number>();
  for (let i = 0; i < n; i++) id.set(chains[i], i);
  // Successors as numbers, in one flat array (CSR form).
  const first = new Int32Array(n + 1);
  const succ: number[] = [];
  for (let i = 0; i < n; i++) {
    first[i] = succ.length;
    for (const e of outgoing.get(chains[i].name) ?? []) {
      const j = id.get(e.to);
      if (j !== undefined) succ.push(j);
    }
  }
  first[n] = succ.length;
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
function closedPath(members: Set<string>, outgoing: Map<string, Edge[]>): string[] {
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
