import { ruleCount, SaveChain, UnmadeRule } from './saveRule';
import { hasTargetFields, type TargetFields } from './targetView';
import type { ByName, Chain, ChainGraph, Edge, Ruleset, Rule, Table, TableGraph, TargetKind } from './types';

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
  constructor(private readonly table: Table, private readonly valueAt: (index: number) => V | undefined) {}

  get(chain: string): V | undefined {
    const c = this.table.chainsByName.get(chain);
    return c && c.index >= 0 && this.table.chains[c.index] === c ? this.valueAt(c.index) : undefined;
  }

  has(chain: string): boolean {
    return this.get(chain) !== undefined;
  }
}

/**
 * The graph kept as numbers: edge k goes from chain `from[k]` to chain
 * `succ[k]` by the chain's rule at position `at[k]`; a chain's edges out are k in
 * [first[i], first[i+1]), its edges in are inOrder[j] for j in
 * [inFirst[i], inFirst[i+1]). Edge objects are made when someone asks for
 * them: walking the graph needs none, nor does it need the rules as
 * objects (a save chain makes its rules when they are first read).
 *
 * A shape outlives the document version it was built for: an edit that
 * replaces rules in place without changing any edge (see patchGraph) gives
 * the next version's graph the same shape, its edges at the new rules. What
 * is computed from the edges alone (see graphShape) is kept with it.
 */
class GraphShape {
  /**
   * Edge objects and each chain's lists of them, once made; the arrays too
   * are made on first use (the first check of a 10k-Service dump makes
   * none: 240k entries, 2 MB of new memory, left untouched).
   */
  made: (Edge | undefined)[] | null = null;
  private outLists: (Edge[] | undefined)[] | null = null;
  private inLists: (Edge[] | undefined)[] | null = null;
  allEdges: Edge[] | null = null;
  readonly cycles: string[][];
  readonly outgoing: ByName<Edge[]>;

  constructor(
    readonly table: Table,
    readonly first: Int32Array,
    readonly succ: Int32Array,
    readonly from: Int32Array,
    readonly at: Int32Array,
    readonly inFirst: Int32Array,
    readonly inOrder: Int32Array,
    readonly seen: Uint8Array,
  ) {
    this.outgoing = new ChainIndexed(table, (i) => this.outAt(i));
    this.cycles = findCycles(table.chains, first, succ, this.outgoing);
  }

  get edges(): Edge[] {
    if (!this.allEdges) {
      const all: Edge[] = new Array(this.succ.length);
      for (let k = 0; k < all.length; k++) all[k] = this.edge(k);
      this.allEdges = all;
    }
    return this.allEdges;
  }

  /** The rule of edge k: its chain's rule at its position, as that chain holds it now. */
  rule(k: number): Rule {
    return this.table.chains[this.from[k]].rules[this.at[k]];
  }

  /** The edge of `rule`, found at its place (its chain and position) in this table; -1 when it is not there or is no edge. */
  edgeOf(rule: Rule): number {
    const chain = this.table.chainsByName.get(rule.chain);
    if (!chain || this.table.chains[chain.index] !== chain || chain.rules[rule.index - 1] !== rule) return -1;
    for (let k = this.first[chain.index]; k < this.first[chain.index + 1]; k++) if (this.at[k] === rule.index - 1) return k;
    return -1;
  }

  edge(k: number): Edge {
    const made = (this.made ??= new Array(this.succ.length));
    let e = made[k];
    if (!e) {
      const chains = this.table.chains;
      const rule = this.rule(k);
      e = { from: chains[this.from[k]], to: chains[this.succ[k]], rule, kind: rule.target!.kind as 'jump' | 'goto' };
      made[k] = e;
    }
    return e;
  }

  outAt(i: number): Edge[] | undefined {
    return this.list((this.outLists ??= new Array(this.first.length - 1)), i, this.first, null);
  }

  inAt(i: number): Edge[] | undefined {
    return this.list((this.inLists ??= new Array(this.first.length - 1)), i, this.inFirst, this.inOrder);
  }

  /** Chain i's edges, positions starts[i] to starts[i+1] (through `order` when given), made once into `cache`. */
  private list(cache: (Edge[] | undefined)[], i: number, starts: Int32Array, order: Int32Array | null): Edge[] | undefined {
    const a = starts[i];
    const b = starts[i + 1];
    if (a === b) return undefined;
    let list = cache[i];
    if (!list) {
      list = new Array(b - a);
      for (let j = a; j < b; j++) list[j - a] = this.edge(order ? order[j] : j);
      cache[i] = list;
    }
    return list;
  }
}

/** One version's graph of a table: its shape (perhaps shared with earlier versions) and its dangling rules. */
class NumericGraph implements TableGraph {
  readonly incoming: ByName<Edge[]>;
  readonly outgoing: ByName<Edge[]>;
  readonly reachable: ByName<true>;

  constructor(readonly shape: GraphShape, readonly dangling: Rule[]) {
    const table = shape.table;
    this.outgoing = shape.outgoing;
    this.incoming = new ChainIndexed(table, (i) => shape.inAt(i));
    this.reachable = new ChainIndexed(table, (i) => (shape.seen[i] ? true : undefined));
  }

  get table(): Table {
    return this.shape.table;
  }

  get edges(): Edge[] {
    return this.shape.edges;
  }

  get cycles(): string[][] {
    return this.shape.cycles;
  }
}

/**
 * What stays the same between two graphs of one table whose edges are the
 * same chains, kinds and lines (the rules may be other objects): a key for
 * what is computed from them alone. Graphs not built here are their own key.
 */
export function graphShape(graph: TableGraph): object {
  return graph instanceof NumericGraph ? graph.shape : graph;
}

/** A value computed from a graph's edges alone, made once per graph shape and kept in `cache`. */
export function perShape<T>(cache: WeakMap<object, T>, graph: TableGraph, make: () => T): T {
  const key = graphShape(graph);
  let value = cache.get(key);
  if (value === undefined) cache.set(key, (value = make()));
  return value;
}

/** A graph's edges as chain positions in its table: edge k is rule(k)'s jump from chain from[k] to chain succ[k]. */
export interface EdgeNumbers {
  readonly from: Int32Array;
  readonly succ: Int32Array;
  /** The edges into chain i are inOrder[j] for j in [inFirst[i], inFirst[i+1]), in the order `incoming` lists them. */
  readonly inFirst: Int32Array;
  readonly inOrder: Int32Array;
  /** The rule of edge k. */
  rule(k: number): Rule;
  /** Edge k as an object, made once. */
  edge(k: number): Edge;
}

/** The edges of a graph built here as numbers, which spares making an object per edge; null for other graphs. */
export function edgeNumbers(graph: TableGraph): EdgeNumbers | null {
  return graph instanceof NumericGraph ? graph.shape : null;
}

/**
 * Where a rule's target sends it in the graph: the chain of an edge, null for
 * a dangling jump or goto, undefined when the rule is no jump or goto at all.
 */
function edgeEnd(table: Table, rule: Rule): Chain | null | undefined {
  // Rules that keep their target's facts on themselves are read there, without a view of the target.
  if (hasTargetFields(rule)) return fieldsEnd(table, rule);
  const target = rule.target;
  return target ? jumpEnd(table, target.kind, target.chain, target.name) : undefined;
}

/** edgeEnd for a rule's own target fields. */
function fieldsEnd(table: Table, rule: TargetFields): Chain | null | undefined {
  return rule.targetName === null ? undefined : jumpEnd(table, rule.targetKind, rule.targetChain, rule.targetName);
}

/** edgeEnd for a target's kind, chain (undefined: not looked up) and name. */
function jumpEnd(table: Table, kind: TargetKind, chain: Chain | null | undefined, name: string): Chain | null | undefined {
  if (kind !== 'jump' && kind !== 'goto') return undefined;
  const to = chain !== undefined ? chain : table.chainsByName.get(name) ?? null;
  return to && table.chains[to.index] === to ? to : null;
}

/**
 * The graph after rules were replaced in place (each pair: the rule that was
 * there, the rule there now, on the same line, in the same chain and
 * position), when every replaced rule is an edge to the same chain as before,
 * a dangling jump as before, or no jump as before: the new graph shares the
 * old one's shape, its edges now naming the new rules. Null when an edge
 * would change: the graph must be built again. The old graph must not be
 * used any more (its edges name the new rules too).
 */
export function patchGraph(graph: ChainGraph, replaced: readonly (readonly [Rule, Rule])[]): ChainGraph | null {
  const dangling = new Map<TableGraph, Rule[]>();
  const edges: [GraphShape, number, Rule][] = [];
  for (const [old, rule] of replaced) {
    let found = false;
    for (const g of graph.byTable.values()) {
      if (!(g instanceof NumericGraph)) return null;
      const shape = g.shape;
      const k = shape.edgeOf(rule);
      if (k >= 0) {
        const to = edgeEnd(shape.table, rule);
        if (!to || to.index !== shape.succ[k]) return null;
        edges.push([shape, k, rule]);
        found = true;
        break;
      }
      const d = (dangling.get(g) ?? g.dangling).indexOf(old);
      if (d >= 0) {
        if (edgeEnd(shape.table, rule) !== null) return null;
        if (!dangling.has(g)) dangling.set(g, g.dangling.slice());
        dangling.get(g)![d] = rule;
        found = true;
        break;
      }
    }
    // Neither an edge nor dangling before: it must not be one now. An unsettled target would need its table to tell.
    if (!found) {
      const target = rule.target;
      if (target && (target.kind === 'jump' || target.kind === 'goto')) return null;
    }
  }
  for (const [shape, k, rule] of edges) {
    const e = shape.made?.[k];
    if (e) {
      e.rule = rule;
      e.kind = rule.target!.kind as 'jump' | 'goto';
    }
  }
  const byTable = new Map<Table, TableGraph>();
  for (const [table, g] of graph.byTable) {
    const numeric = g as NumericGraph;
    byTable.set(table, new NumericGraph(numeric.shape, dangling.get(g) ?? numeric.dangling));
  }
  return { byTable };
}

export function buildTableGraph(table: Table): TableGraph {
  const chains = table.chains;
  const n = chains.length;
  for (let i = 0; i < n; i++) chains[i].index = i;
  let total = 0;
  for (let i = 0; i < n; i++) total += ruleCount(chains[i]);
  // The numbers the graph keeps, in one buffer (a small table's parse would otherwise spend more on making
  // typed arrays than on filling them): where each chain's edges out start, where its edges in start, and for
  // every edge, at most one per rule, its end, its start, its rule's position and its place in the order of edges in.
  const ints = new Int32Array(2 * (n + 1) + 4 * total);
  const first = ints.subarray(0, n + 1);
  const inFirst = ints.subarray(n + 1, 2 * (n + 1));
  const succ = ints.subarray(2 * (n + 1), 2 * (n + 1) + total);
  const from = ints.subarray(2 * (n + 1) + total, 2 * (n + 1) + 2 * total);
  const at = ints.subarray(2 * (n + 1) + 3 * total, 2 * (n + 1) + 4 * total);
  const dangling: Rule[] = [];
  let e = 0;
  // Edges in chain order, so a chain's edges out are contiguous; inFirst[i + 1] counts the edges into chain i.
  for (let i = 0; i < n; i++) {
    const chain = chains[i];
    first[i] = e;
    // A save chain's rules not made yet are read where the store keeps them; a dangling one is made.
    const unmade = chain instanceof SaveChain && !chain.made ? new UnmadeRule(chain) : null;
    const rules = unmade ? null : chain.rules;
    for (let j = 0; unmade ? unmade.next() : j < rules!.length; j++) {
      const to = unmade ? fieldsEnd(table, unmade) : edgeEnd(table, rules![j]);
      if (to) {
        succ[e] = to.index;
        from[e] = i;
        at[e] = j;
        inFirst[to.index + 1]++;
        e++;
      } else if (to === null) dangling.push(chain.rules[j]);
    }
  }
  first[n] = e;
  // Edges in, grouped by the chain they reach, in edge order (a counting sort). inFirst[i] serves as chain i's
  // cursor while filling, which leaves it at chain i + 1's start: shifting by one puts the starts back.
  for (let i = 0; i < n; i++) inFirst[i + 1] += inFirst[i];
  const inOrder = ints.subarray(2 * (n + 1) + 2 * total, 2 * (n + 1) + 2 * total + e);
  for (let k = 0; k < e; k++) inOrder[inFirst[succ[k]]++] = k;
  for (let i = n; i > 0; i--) inFirst[i] = inFirst[i - 1];
  inFirst[0] = 0;
  // Reachability from the built-in chains.
  const seen = new Uint8Array(n);
  const stack: number[] = [];
  for (let i = 0; i < n; i++) {
    if (chains[i].builtin) {
      seen[i] = 1;
      stack.push(i);
    }
  }
  while (stack.length) {
    const v = stack.pop()!;
    for (let k = first[v]; k < first[v + 1]; k++) {
      const w = succ[k];
      if (!seen[w]) {
        seen[w] = 1;
        stack.push(w);
      }
    }
  }
  return new NumericGraph(new GraphShape(table, first, succ.subarray(0, e), from.subarray(0, e), at.subarray(0, e), inFirst, inOrder, seen), dangling);
}

/** Tarjan's strongly connected components over chain numbers, iteratively; each looping component yields one closed path. */
function findCycles(chains: Chain[], first: Int32Array, succ: Int32Array, outgoing: ByName<Edge[]>): string[][] {
  const n = chains.length;
  // Each chain's visit number, lowest reachable visit number, place in its edges out and whether it is on the stack, in one buffer.
  const scratch = new Int32Array(4 * n);
  const index = scratch.subarray(0, n).fill(-1);
  const low = scratch.subarray(n, 2 * n);
  const next = scratch.subarray(2 * n, 3 * n);
  const onStack = scratch.subarray(3 * n, 4 * n);
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
        // A chain alone in its component loops only if it jumps to itself: no list needed to know.
        if (sccStack[sccStack.length - 1] === v) {
          let selfLoop = false;
          for (let k = first[v]; k < first[v + 1]; k++) if (succ[k] === v) selfLoop = true;
          if (!selfLoop) {
            sccStack.pop();
            onStack[v] = 0;
            continue;
          }
        }
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
