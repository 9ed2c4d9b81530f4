import type { Analysis } from '../model/analysis';
import type { Chain, Problem, Rule } from '../model/types';

export const RETURN_IN_BUILTIN = 'return-in-builtin';

/** `-j RETURN` in a built-in chain: there is nothing to return to, so the chain's policy decides. */
export function returnInBuiltin(rule: Rule, chain: Chain): Problem {
  return {
    span: rule.target!.nameSpan, severity: 'information', code: RETURN_IN_BUILTIN,
    message: `RETURN in built-in chain ${chain.name} applies the chain's policy (${chain.policy ?? 'ACCEPT'}).`,
  };
}

export function checkReturnInBuiltin(analysis: Analysis): Problem[] {
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    for (const chain of table.chains) {
      if (!chain.builtin) continue;
      for (const rule of chain.rules) if (rule.target?.kind === 'return') out.push(returnInBuiltin(rule, chain));
    }
  }
  return out;
}
