import { findTarget } from '../knowledge';
import type { Analysis } from '../model/analysis';
import type { Option, Problem } from '../model/types';
import { runRuleCheck } from './rules';
import type { RuleCheck } from './types';

export const UNKNOWN_OPTION = 'unknown-option';

/** An option no loaded match or target defines: iptables-restore says `unknown option "--x"`. */
export function unknownOption(option: Option, owner: string): Problem {
  return {
    span: option.nameSpan, severity: 'error', code: UNKNOWN_OPTION,
    message: `Unknown option --${option.name}: ${owner} and the other extensions of this rule do not have it.`,
    data: { phase: 'parse' },
  };
}

export const ruleUnknownOption: RuleCheck = (rule, options, _scope, out) => {
  // A target the knowledge table does not describe yet may have any options.
  if (rule.target?.kind === 'extension' && !findTarget(rule.target.name) && rule.target.options.length) return;
  for (const r of options) {
    if (r.optionInfo) continue;
    if (r.owner !== 'target' && !r.info) continue; // an unknown match is reported as such
    out.push(unknownOption(r.option, r.owner === 'target' ? `target ${rule.target!.name}` : `match ${r.owner.module}`));
  }
};

export function checkUnknownOption(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleUnknownOption);
}
