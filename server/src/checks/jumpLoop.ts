import type { Analysis } from '../model/analysis';
import type { Edge, Problem, Rule, TableGraph } from '../model/types';
import { arrivalsOf, type Arrival } from './reach';

export const JUMP_LOOP = 'jump-loop';

/**
 * A cycle of jumps reachable from a built-in chain. The kernel refuses it
 * ("Too many links") on the rule that completes it, in file order.
 */
export function jumpLoop(rule: Rule, cycle: string[], from: string): Problem {
  const path = [...cycle, cycle[0]].join(' → ');
  return {
    span: rule.target?.nameSpan ?? rule.span, severity: 'error', code: JUMP_LOOP,
    message: `Jump loop ${path}, reached from ${from}: the kernel refuses it ("Too many links").`,
    data: { cycle, phase: 'validate' },
  };
}

/** One jump of a cycle: the earliest rule from `from` to `to`. */
function earliestEdge(graph: TableGraph, from: string, to: string): Edge | undefined {
  let best: Edge | undefined;
  for (const e of graph.outgoing.get(from) ?? []) {
    if (e.to.name === to && (!best || e.rule.span.line < best.rule.span.line)) best = e;
  }
  return best;
}

export interface LoopInfo {
  cycle: string[];
  /** Built-in chain that reaches the loop, or null when none does. */
  from: string | null;
  /** The rule the kernel would name: the one whose line completes the reachable loop. */
  rule: Rule;
}

/** Every loop of a table, with where the kernel would notice it. */
export function loopsOf(graph: TableGraph): LoopInfo[] {
  const out: LoopInfo[] = [];
  const arrive = graph.cycles.length ? arrivalsOf(graph) : null;
  for (const cycle of graph.cycles) {
    if (cycle.some((name) => graph.table.chainsByName.get(name)?.builtin)) continue;
    const edges: Edge[] = [];
    for (let i = 0; i < cycle.length; i++) {
      const e = earliestEdge(graph, cycle[i], cycle[(i + 1) % cycle.length]);
      if (e) edges.push(e);
    }
    if (!edges.length) continue;
    const closing = edges.reduce((a, b) => (b.rule.span.line > a.rule.span.line ? b : a));
    let reach: { builtin: string; arrival: Arrival } | null = null;
    if (arrive) {
      for (let r = 0; r < arrive.roots.length; r++) {
        for (const name of cycle) {
          const a = arrive.at(r, name);
          if (a && (!reach || a.line < reach.arrival.line)) reach = { builtin: arrive.roots[r], arrival: a };
        }
      }
    }
    if (!reach) {
      out.push({ cycle, from: null, rule: closing.rule });
      continue;
    }
    const rule = reach.arrival.line > closing.rule.span.line && reach.arrival.edge ? reach.arrival.edge.rule : closing.rule;
    out.push({ cycle, from: reach.builtin, rule });
  }
  return out;
}

export function checkJumpLoop(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    for (const loop of loopsOf(analysis.graphOf(table))) {
      if (loop.from) out.push(jumpLoop(loop.rule, loop.cycle, loop.from));
    }
  }
  return out;
}
