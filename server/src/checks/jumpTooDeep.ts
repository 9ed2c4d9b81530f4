import type { Analysis } from '../model/analysis';
import type { Edge, Problem, Rule, TableGraph } from '../model/types';
import { outgoingUpTo, userEdges } from './graphEdges';

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

/** The longest path of jumps from a built-in chain, using rules up to a line (cycles are left to jump-loop). */
function deepest(graph: TableGraph, lastLine: number): string[] {
  const out = outgoingUpTo(graph, lastLine);
  const depth = new Map<string, number>();
  const prev = new Map<string, string>();
  const indegree = new Map<string, number>();
  for (const list of out.values()) for (const e of list) indegree.set(e.to.name, (indegree.get(e.to.name) ?? 0) + 1);
  const queue: string[] = [];
  for (const c of graph.table.chains) {
    if (!indegree.get(c.name)) queue.push(c.name);
    if (c.builtin) depth.set(c.name, 0);
  }
  let best: string | null = null;
  for (let q = 0; q < queue.length; q++) {
    const name = queue[q];
    const d = depth.get(name);
    if (d !== undefined && (best === null || d > depth.get(best)!)) best = name;
    for (const e of out.get(name) ?? []) {
      if (d !== undefined && (depth.get(e.to.name) ?? -1) < d + 1) {
        depth.set(e.to.name, d + 1);
        prev.set(e.to.name, name);
      }
      const left = indegree.get(e.to.name)! - 1;
      indegree.set(e.to.name, left);
      if (left === 0) queue.push(e.to.name);
    }
  }
  if (best === null) return [];
  const path = [best];
  while (prev.has(path[0])) path.unshift(prev.get(path[0])!);
  return path;
}

export function checkJumpTooDeep(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    const graph = analysis.graphOf(table);
    const edges: Edge[] = userEdges(graph).sort((a, b) => a.rule.span.line - b.rule.span.line);
    if (edges.length <= MAX_JUMP_DEPTH) continue;
    if (deepest(graph, Infinity).length - 1 <= MAX_JUMP_DEPTH) continue;
    // The first rule after which some path is too deep: the one the kernel names.
    let lo = 0;
    let hi = edges.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (deepest(graph, edges[mid].rule.span.line).length - 1 > MAX_JUMP_DEPTH) hi = mid;
      else lo = mid + 1;
    }
    const path = deepest(graph, edges[lo].rule.span.line);
    out.push(jumpTooDeep(edges[lo].rule, path));
  }
  return out;
}
