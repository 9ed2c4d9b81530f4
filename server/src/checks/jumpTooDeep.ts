import type { Analysis } from '../model/analysis';
import type { Chain, Edge, Problem, Rule, TableGraph } from '../model/types';
import { userEdges } from './graphEdges';
import { ruleLine } from './rules';

export const JUMP_TOO_DEEP = 'jump-too-deep';

/** The kernel (nf_tables) follows at most this many nested jumps from a built-in chain. */
export const MAX_JUMP_DEPTH = 15;

export function jumpTooDeep(rule: Rule, path: string[]): Problem {
  return {
    span: rule.target?.nameSpan ?? rule.span, severity: 'error', code: JUMP_TOO_DEEP,
    message: `This jump nests ${path.length - 1} chains deep (${path.join(' → ')}); the kernel allows ${MAX_JUMP_DEPTH} and refuses it ("Too many links").`,
    data: { path, phase: 'validate' },
  };
}

/**
 * A table's jumps as numbers, for the longest-path search that runs a few
 * times per table (chains numbered by name, as the graph keys them).
 */
class Jumps {
  readonly names: string[] = [];
  /** Chain numbers in table order (a name declared twice appears twice, as before). */
  readonly chainIds: Int32Array;
  readonly builtin: Uint8Array;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly line: Int32Array;

  constructor(graph: TableGraph, readonly edges: Edge[]) {
    const ids = new Map<string, number>();
    const id = (name: string) => {
      let n = ids.get(name);
      if (n === undefined) {
        ids.set(name, (n = this.names.length));
        this.names.push(name);
      }
      return n;
    };
    const chains = graph.table.chains;
    this.chainIds = new Int32Array(chains.length);
    // With unique names and chains that know their position, a chain's number is its position.
    let positional = graph.table.chainsByName.size === chains.length;
    for (let i = 0; i < chains.length && positional; i++) positional = chains[i].index === i;
    if (positional) {
      for (let i = 0; i < chains.length; i++) {
        this.chainIds[i] = i;
        this.names.push(chains[i].name);
      }
    } else {
      for (let i = 0; i < chains.length; i++) this.chainIds[i] = id(chains[i].name);
    }
    const byName = graph.table.chainsByName;
    const number = (c: Chain) => {
      if (!positional) return id(c.name);
      if (chains[c.index] === c) return c.index;
      const named = byName.get(c.name);
      return named && chains[named.index] === named ? named.index : id(c.name);
    };
    this.from = new Int32Array(edges.length);
    this.to = new Int32Array(edges.length);
    this.line = new Int32Array(edges.length);
    for (let i = 0; i < edges.length; i++) {
      const e = edges[i];
      this.from[i] = number(e.from);
      this.to[i] = number(e.to);
      this.line[i] = ruleLine(e.rule);
    }
    this.builtin = new Uint8Array(this.names.length);
    for (let i = 0; i < chains.length; i++) if (chains[i].builtin) this.builtin[this.chainIds[i]] = 1;
  }

  /** The longest path of jumps from a built-in chain, using rules up to a line (cycles are left to jump-loop). */
  deepest(lastLine: number): string[] {
    const n = this.names.length;
    const { from, to, line } = this;
    // Outgoing jumps per chain, in graph order, limited to the rules read so far.
    const first = new Int32Array(n + 1);
    const indegree = new Int32Array(n);
    for (let i = 0; i < from.length; i++) {
      if (line[i] > lastLine) continue;
      first[from[i] + 1]++;
      indegree[to[i]]++;
    }
    for (let i = 0; i < n; i++) first[i + 1] += first[i];
    const fill = first.slice(0, n);
    const succ = new Int32Array(first[n]);
    for (let i = 0; i < from.length; i++) if (line[i] <= lastLine) succ[fill[from[i]]++] = to[i];
    const depth = new Int32Array(n).fill(-1);
    const prev = new Int32Array(n).fill(-1);
    const queue: number[] = [];
    for (let i = 0; i < this.chainIds.length; i++) {
      const c = this.chainIds[i];
      if (!indegree[c]) queue.push(c);
      if (this.builtin[c]) depth[c] = 0;
    }
    let best = -1;
    for (let q = 0; q < queue.length; q++) {
      const c = queue[q];
      const d = depth[c];
      if (d >= 0 && (best < 0 || d > depth[best])) best = c;
      for (let s = first[c]; s < first[c + 1]; s++) {
        const t = succ[s];
        if (d >= 0 && depth[t] < d + 1) {
          depth[t] = d + 1;
          prev[t] = c;
        }
        if (--indegree[t] === 0) queue.push(t);
      }
    }
    if (best < 0) return [];
    const path = [best];
    while (prev[path[0]] >= 0 && path.length <= n) path.unshift(prev[path[0]]);
    return path.map((c) => this.names[c]);
  }
}

export function checkJumpTooDeep(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    const graph = analysis.graphOf(table);
    const kept = userEdges(graph);
    if (kept.length <= MAX_JUMP_DEPTH) continue;
    const jumps = new Jumps(graph, kept);
    if (jumps.deepest(Infinity).length - 1 <= MAX_JUMP_DEPTH) continue;
    const edges = kept.slice().sort((a, b) => a.rule.span.line - b.rule.span.line);
    // The first rule after which some path is too deep: the one the kernel names.
    let lo = 0;
    let hi = edges.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (jumps.deepest(edges[mid].rule.span.line).length - 1 > MAX_JUMP_DEPTH) hi = mid;
      else lo = mid + 1;
    }
    out.push(jumpTooDeep(edges[lo].rule, jumps.deepest(edges[lo].rule.span.line)));
  }
  return out;
}
