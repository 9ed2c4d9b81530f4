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

/** Tarjan's strongly connected components, iteratively; each looping component yields one closed path. */
function findCycles(table: Table, outgoing: Map<string, Edge[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const sccStack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  for (const root of table.chains) {
    if (index.has(root.name)) continue;
    const work: { name: string; next: number }[] = [{ name: root.name, next: 0 }];
    index.set(root.name, counter);
    low.set(root.name, counter++);
    sccStack.push(root.name);
    onStack.add(root.name);
    while (work.length) {
      const frame = work[work.length - 1];
      const out = outgoing.get(frame.name) ?? [];
      if (frame.next < out.length) {
        const to = out[frame.next++].to.name;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          sccStack.push(to);
          onStack.add(to);
          work.push({ name: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.name, Math.min(low.get(frame.name)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].name;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.name)!));
      }
      if (low.get(frame.name) === index.get(frame.name)) {
        const members: string[] = [];
        let m: string;
        do {
          m = sccStack.pop()!;
          onStack.delete(m);
          members.push(m);
        } while (m !== frame.name);
        const selfLoop = members.length === 1 && (outgoing.get(members[0]) ?? []).some((e) => e.to.name === members[0]);
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
