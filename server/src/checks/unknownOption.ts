import { findTarget } from '../knowledge';
import type { Analysis } from '../model/analysis';
import type { Option, Problem } from '../model/types';
import { resolveOptions } from './extensions';
import { allRules } from './rules';

export const UNKNOWN_OPTION = 'unknown-option';

/** An option no loaded match or target defines: iptables-restore says `unknown option "--x"`. */
export function unknownOption(option: Option, owner: string): Problem {
  return {
    span: option.nameSpan, severity: 'error', code: UNKNOWN_OPTION,
    message: `Unknown option --${option.name}: ${owner} and the other extensions of this rule do not have it.`,
    data: { phase: 'parse' },
  };
}

export function checkUnknownOption(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const { rule } of allRules(analysis)) {
    // A target the knowledge table does not describe yet may have any options.
    if (rule.target?.kind === 'extension' && !findTarget(rule.target.name) && rule.target.options.length) continue;
    for (const r of resolveOptions(rule, analysis.ruleset.family)) {
      if (r.optionInfo) continue;
      if (r.owner !== 'target' && !r.info) continue; // an unknown match is reported as such
      out.push(unknownOption(r.option, r.owner === 'target' ? `target ${rule.target!.name}` : `match ${r.owner.module}`));
    }
  }
  return out;
}
