import type { Analysis } from '../model/analysis';
import { edgesInto } from './graphEdges';
import { declLine, ruleCount } from '../model/saveRule';
import type { Chain, Problem, Rule } from '../model/types';

export const EMPTY_CHAIN_JUMP = 'empty-chain-jump';

/** A jump to a user chain that has no rules: the packet comes straight back (a goto returns to the caller's caller). */
export function emptyChainJump(rule: Rule): Problem {
  return {
    span: rule.target!.nameSpan, severity: 'information', code: EMPTY_CHAIN_JUMP,
    message: `Chain ${rule.target!.name} has no rules: this ${rule.target!.goto ? 'goto acts like RETURN' : 'jump does nothing'}.`,
  };
}

export function checkEmptyChainJump(analysis: Analysis): Problem[] {
  // A listing may show an empty chain that has rules in the kernel only when cut; the listing shows them all when present.
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    const empty = (to: Chain) => !to.builtin && ruleCount(to) === 0 && declLine(to) >= 0;
    edgesInto(analysis.graphOf(table), checkEmptyChainJump, empty, (rule) => out.push(emptyChainJump(rule)));
  }
  return out;
}
