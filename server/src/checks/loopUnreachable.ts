import type { Analysis } from '../model/analysis';
import type { Problem, Rule } from '../model/types';
import { loopsOf } from './jumpLoop';

export const LOOP_UNREACHABLE = 'loop-unreachable';

/** A cycle of jumps that no built-in chain reaches: the kernel accepts it, but a packet could never leave it. */
export function loopUnreachable(rule: Rule, cycle: string[]): Problem {
  return {
    span: rule.target?.nameSpan ?? rule.span, severity: 'warning', code: LOOP_UNREACHABLE,
    message: `Jump loop ${[...cycle, cycle[0]].join(' → ')}: no built-in chain reaches it yet, so the kernel accepts it; a jump into it would be refused.`,
    data: { cycle },
  };
}

export function checkLoopUnreachable(analysis: Analysis): Problem[] {
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    for (const loop of loopsOf(analysis.graphOf(table))) {
      if (!loop.from) out.push(loopUnreachable(loop.rule, loop.cycle));
    }
  }
  return out;
}
