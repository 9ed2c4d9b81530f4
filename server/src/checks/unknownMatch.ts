import { findMatch } from '../knowledge';
import type { Analysis } from '../model/analysis';
import type { Family, Match, Problem } from '../model/types';
import { GENERIC_MODULES } from './extensions';
import { runRuleCheck } from './rules';
import type { RuleCheck } from './types';

export const UNKNOWN_MATCH = 'unknown-match';

/** `-m NAME` names no match iptables has (for this family): "Couldn't load match". */
export function unknownMatch(match: Match, family: Family, otherFamily: boolean): Problem {
  return {
    span: match.moduleSpan ?? match.span, severity: 'error', code: UNKNOWN_MATCH,
    message: otherFamily
      ? `Match ${match.module} exists only for ${family === 'ipv4' ? 'IPv6' : 'IPv4'}: ${family === 'ipv4' ? 'iptables' : 'ip6tables'}-restore cannot load it.`
      : `There is no match called ${match.module}: iptables-restore cannot load it.`,
    data: { phase: 'parse' },
  };
}

export const ruleUnknownMatch: RuleCheck = (rule, _options, scope, out) => {
  for (const m of rule.matches) {
    if (GENERIC_MODULES.has(m.module)) continue;
    const info = findMatch(m.module);
    if (!info) out.push(unknownMatch(m, scope.family, false));
    else if (info.families && !info.families.includes(scope.family)) out.push(unknownMatch(m, scope.family, true));
  }
};

export function checkUnknownMatch(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleUnknownMatch);
}
