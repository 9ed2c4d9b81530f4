import type { Analysis } from '../model/analysis';
import type { Problem, Rule } from '../model/types';
import { numberedJumps, type NumberedJumps } from './graphEdges';
import { ruleLine } from './rules';
import { perShape } from '../model/buildGraph';

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
function deepest(jumps: NumberedJumps, lastLine: number): string[] {
  const n = jumps.names.length;
  const { from, to } = jumps;
  // Without a limit the lines are not needed (nor the rules read for them).
  const line = lastLine === Infinity ? null : jumps.line;
  // Outgoing jumps per chain, in graph order, limited to the rules read so far.
  const first = new Int32Array(n + 1);
  const indegree = new Int32Array(n);
  for (let i = 0; i < from.length; i++) {
    if ((line && line[i] > lastLine) || from[i] < 0 || to[i] < 0) continue;
    first[from[i] + 1]++;
    indegree[to[i]]++;
  }
  for (let i = 0; i < n; i++) first[i + 1] += first[i];
  const fill = first.slice(0, n);
  const succ = new Int32Array(first[n]);
  for (let i = 0; i < from.length; i++) if ((!line || line[i] <= lastLine) && from[i] >= 0 && to[i] >= 0) succ[fill[from[i]]++] = to[i];
  const depth = new Int32Array(n).fill(-1);
  const prev = new Int32Array(n).fill(-1);
  // Made at its full size, not grown: a chain enters at the start once per declaration without jumps in (a name
  // declared twice, twice), or later once, when its last jump in is taken off.
  const queue = new Int32Array(jumps.chainIds.length + n);
  let queued = 0;
  for (let i = 0; i < jumps.chainIds.length; i++) {
    const c = jumps.chainIds[i];
    if (!indegree[c]) queue[queued++] = c;
    if (jumps.builtin[c]) depth[c] = 0;
  }
  let best = -1;
  for (let q = 0; q < queued; q++) {
    const c = queue[q];
    const d = depth[c];
    if (d >= 0 && (best < 0 || d > depth[best])) best = c;
    for (let s = first[c]; s < first[c + 1]; s++) {
      const t = succ[s];
      if (d >= 0 && depth[t] < d + 1) {
        depth[t] = d + 1;
        prev[t] = c;
      }
      if (--indegree[t] === 0) queue[queued++] = t;
    }
  }
  if (best < 0) return [];
  const path = [best];
  while (prev[path[0]] >= 0 && path.length <= n) path.unshift(prev[path[0]]);
  return path.map((c) => jumps.names[c]);
}

/** The longest path's number of jumps, per graph shape: an edit that keeps the shape keeps it. */
const depths = new WeakMap<object, number>();

export function checkJumpTooDeep(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    const graph = analysis.graphOf(table);
    const jumps = numberedJumps(graph);
    if (jumps.count <= MAX_JUMP_DEPTH) continue;
    if (perShape(depths, graph, () => deepest(jumps, Infinity).length - 1) <= MAX_JUMP_DEPTH) continue;
    const edges = jumps.edges.slice().sort((a, b) => ruleLine(a.rule) - ruleLine(b.rule));
    // The first rule after which some path is too deep: the one the kernel names.
    let lo = 0;
    let hi = edges.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (deepest(jumps, ruleLine(edges[mid].rule)).length - 1 > MAX_JUMP_DEPTH) hi = mid;
      else lo = mid + 1;
    }
    out.push(jumpTooDeep(edges[lo].rule, deepest(jumps, ruleLine(edges[lo].rule))));
  }
  return out;
}
