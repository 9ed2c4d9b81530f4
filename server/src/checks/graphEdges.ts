import { edgeNumbers, perShape, type EdgeNumbers } from '../model/buildGraph';
import type { Chain, Edge, Rule, TableGraph } from '../model/types';
import { ruleLine } from './rules';

/**
 * The jumps the kernel keeps in its graph: a jump to a built-in chain is
 * refused on its own (see jumpToBuiltin), so it never joins a loop or a path.
 */
export function userEdges(graph: TableGraph): Edge[] {
  return graph.edges.filter((e) => !e.to.builtin);
}

/**
 * Calls `visit` with each edge's target chain and rule, in graph order,
 * without making an object per edge where the graph keeps them as numbers
 * (the document-level checks look at every edge once).
 */
export function eachEdge(graph: TableGraph, visit: (to: Chain, rule: Rule) => void): void {
  const numbers = edgeNumbers(graph);
  if (!numbers) {
    for (const e of graph.edges) visit(e.to, e.rule);
    return;
  }
  const chains = graph.table.chains;
  const succ = numbers.succ;
  for (let k = 0; k < succ.length; k++) visit(chains[succ[k]], numbers.rule(k));
}

/** Per graph shape and check: the edges (by position in graph order) its test picked. */
const picked = new WeakMap<object, Map<object, Int32Array>>();

/**
 * Calls `visit` with the rule and target chain of each edge for which
 * `test` holds, in graph order. The test sees only what every version that
 * keeps the graph's shape shares: the target chain (chains, their
 * declarations and rule counts stay as they are when rules are patched in
 * place) and the rule's line (a patched rule keeps its line). So it runs
 * over every edge once per shape, with `key` (the check) telling the
 * checks' picks apart, and an edit after that costs a visit per pick, not
 * per edge. `visit` gets the current version's rule: a picked rule that was
 * edited has its new columns.
 */
export function edgesWhere(graph: TableGraph, key: object, test: (to: Chain, line: number) => boolean, visit: (rule: Rule, to: Chain) => void): void {
  visitPicked(graph, key, visit, (numbers) => {
    const found: number[] = [];
    if (numbers) {
      const chains = graph.table.chains;
      const succ = numbers.succ;
      for (let k = 0; k < succ.length; k++) if (test(chains[succ[k]], ruleLine(numbers.rule(k)))) found.push(k);
    } else {
      graph.edges.forEach((e, k) => {
        if (test(e.to, ruleLine(e.rule))) found.push(k);
      });
    }
    return Int32Array.from(found);
  });
}

/**
 * edgesWhere for a test of the target chain alone: the edges into each chain
 * it holds for, read off the graph's lists of edges in, so no rule is read
 * for the test and a chain is tested once, not once per jump into it (the
 * 30k jumps into KUBE-MARK-MASQ). The same picks, order and caching.
 */
export function edgesInto(graph: TableGraph, key: object, test: (to: Chain) => boolean, visit: (rule: Rule, to: Chain) => void): void {
  if (!edgeNumbers(graph)) return edgesWhere(graph, key, test, visit);
  visitPicked(graph, key, visit, (numbers) => {
    const found: number[] = [];
    const chains = graph.table.chains;
    const { inFirst, inOrder } = numbers!;
    for (let i = 0; i < chains.length; i++) {
      if (inFirst[i] === inFirst[i + 1] || !test(chains[i])) continue;
      for (let j = inFirst[i]; j < inFirst[i + 1]; j++) found.push(inOrder[j]);
    }
    // In graph order, as edgesWhere picks them.
    return Int32Array.from(found).sort();
  });
}

/** Visits the edges `pick` found (by position in graph order), picked once per graph shape and `key`. */
function visitPicked(graph: TableGraph, key: object, visit: (rule: Rule, to: Chain) => void, pick: (numbers: EdgeNumbers | null) => Int32Array): void {
  const numbers = edgeNumbers(graph);
  const byKey = perShape(picked, graph, () => new Map<object, Int32Array>());
  let edges = byKey.get(key);
  if (!edges) byKey.set(key, (edges = pick(numbers)));
  for (const k of edges) {
    if (numbers) visit(numbers.rule(k), graph.table.chains[numbers.succ[k]]);
    else visit(graph.edges[k].rule, graph.edges[k].to);
  }
}

/**
 * A table's kept jumps as numbers, shared by the searches over them (jump
 * depth, arrival from each hook): chains are numbered by position when their
 * names are unique and they know their position, else by name in table order
 * (the graph keys its edges by name).
 */
export class NumberedJumps {
  readonly chains: Chain[];
  /** Chain names by number. */
  readonly names: string[] = [];
  /** The number of each chain of the table, by position (a name declared twice appears twice). */
  readonly chainIds: Int32Array;
  /** Whether the chain of each number is built in (any chain of that name). */
  readonly builtin: Uint8Array;
  /** The kept jumps' ends as numbers, in graph order. */
  readonly from: Int32Array;
  readonly to: Int32Array;
  private lines: Int32Array | null = null;
  /** The kept jumps as objects, made when first asked for. */
  private edgeList: Edge[] | null = null;
  /** When numbered from the graph's own arrays: the graph's number of each kept jump. */
  private readonly numbers: EdgeNumbers | null = null;
  private readonly kept: Int32Array | null = null;
  private readonly ids: Map<string, number> | null = null;
  private readonly byName: ReadonlyMap<string, Chain>;

  constructor(graph: TableGraph) {
    const table = graph.table;
    const chains = (this.chains = table.chains);
    this.byName = table.chainsByName;
    let positional = this.byName.size === chains.length;
    for (let i = 0; i < chains.length && positional; i++) positional = chains[i].index === i;
    this.chainIds = new Int32Array(chains.length);
    if (positional) {
      // Made at its size (42k names on a 10k-Service dump), not grown by push.
      this.names = chains.map((c) => c.name);
      for (let i = 0; i < chains.length; i++) this.chainIds[i] = i;
    } else {
      this.ids = new Map();
      for (let i = 0; i < chains.length; i++) this.chainIds[i] = this.number(chains[i].name);
    }
    const numbers = positional ? edgeNumbers(graph) : null;
    if (numbers) {
      // The graph numbers chains by position too: take its arrays, leaving out jumps to built-in chains
      // (told by a flag per chain, read once each, rather than from the chain objects once per jump).
      const { from, succ } = numbers;
      const builtin = new Uint8Array(chains.length);
      for (let i = 0; i < chains.length; i++) if (chains[i].builtin) builtin[i] = 1;
      let m = 0;
      for (let k = 0; k < succ.length; k++) if (!builtin[succ[k]]) m++;
      const kept = (this.kept = new Int32Array(m));
      this.from = new Int32Array(m);
      this.to = new Int32Array(m);
      for (let k = 0, i = 0; k < succ.length; k++) {
        if (builtin[succ[k]]) continue;
        kept[i] = k;
        this.from[i] = from[k];
        this.to[i++] = succ[k];
      }
      this.numbers = numbers;
    } else {
      const edges = (this.edgeList = userEdges(graph));
      const m = edges.length;
      this.from = new Int32Array(m);
      this.to = new Int32Array(m);
      for (let i = 0; i < m; i++) {
        const e = edges[i];
        this.from[i] = this.idOfChain(e.from) ?? this.number(e.from.name);
        this.to[i] = this.idOfChain(e.to) ?? this.number(e.to.name);
      }
    }
    this.builtin = new Uint8Array(this.names.length);
    for (let i = 0; i < chains.length; i++) if (chains[i].builtin) this.builtin[this.chainIds[i]] = 1;
  }

  /** The number of kept jumps. */
  get count(): number {
    return this.from.length;
  }

  /** Kept jump i as an edge object. */
  edge(i: number): Edge {
    return this.numbers ? this.numbers.edge(this.kept![i]) : this.edgeList![i];
  }

  /** The rule of kept jump i (the current version's). */
  rule(i: number): Rule {
    return this.numbers ? this.numbers.rule(this.kept![i]) : this.edgeList![i].rule;
  }

  /** The kept jumps as edge objects, in graph order. */
  get edges(): Edge[] {
    if (!this.edgeList) {
      const list: Edge[] = new Array(this.count);
      for (let i = 0; i < list.length; i++) list[i] = this.edge(i);
      this.edgeList = list;
    }
    return this.edgeList;
  }

  /** The line of each kept jump (read from the rules the first time it is needed). */
  get line(): Int32Array {
    if (!this.lines) {
      const lines = new Int32Array(this.count);
      for (let i = 0; i < lines.length; i++) lines[i] = ruleLine(this.rule(i));
      this.lines = lines;
    }
    return this.lines;
  }

  /** The built-in chains (one per name, in table order) with their numbers: the roots of the searches. */
  get roots(): { name: string; id: number }[] {
    const roots: { name: string; id: number }[] = [];
    for (const c of this.chains) {
      if (!c.builtin || roots.some((r) => r.name === c.name)) continue;
      const id = this.idOfChain(c);
      if (id !== undefined) roots.push({ name: c.name, id });
    }
    return roots;
  }

  /** The number of a name, given a new one if it has none (only when numbering by name). */
  private number(name: string): number {
    const ids = this.ids;
    if (!ids) return this.idOf(name) ?? -1;
    let n = ids.get(name);
    if (n === undefined) {
      ids.set(name, (n = this.names.length));
      this.names.push(name);
    }
    return n;
  }

  /** The number of a chain name; undefined when the table has no such chain. */
  idOf(name: string): number | undefined {
    if (this.ids) return this.ids.get(name);
    const c = this.byName.get(name);
    return c && this.chains[c.index] === c ? c.index : undefined;
  }

  /** The number of a chain of the table. */
  idOfChain(c: Chain): number | undefined {
    return !this.ids && this.chains[c.index] === c ? c.index : this.idOf(c.name);
  }
}

const numbered = new WeakMap<object, NumberedJumps>();

/**
 * The numbered jumps of a table graph, made once per graph shape: the next
 * version of a document whose edit changed no edge keeps them (the edges
 * they hold name the rules of whichever version is current).
 */
export function numberedJumps(graph: TableGraph): NumberedJumps {
  return perShape(numbered, graph, () => new NumberedJumps(graph));
}
