import type { Analysis } from '../model/analysis';
import type { Problem, Rule } from '../model/types';
import { endsChain, matchesEverything } from './unconditional';

export const UNREACHABLE_RULE = 'unreachable-rule';

/** A rule after an unconditional ACCEPT/DROP/REJECT/RETURN/goto in the same chain: no packet gets to it. */
export function unreachableRule(rule: Rule, blocker: Rule): Problem {
  return {
    span: rule.span, severity: 'warning', code: UNREACHABLE_RULE,
    message: `No packet reaches this rule: rule ${blocker.index} of ${blocker.chain} (line ${blocker.span.line + 1}) ${blocker.target!.goto ? 'goes to' : 'ends with'} ${blocker.target!.name} for every packet.`,
    data: { blockerLine: blocker.span.line },
  };
}

export function checkUnreachableRule(analysis: Analysis): Problem[] {
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    for (const chain of table.chains) {
      const blocker = chain.rules.find((r) => matchesEverything(r) && endsChain(r));
      if (!blocker) continue;
      for (const rule of chain.rules.slice(blocker.index)) out.push(unreachableRule(rule, blocker));
    }
  }
  return out;
}
