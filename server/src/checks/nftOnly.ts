import type { Analysis } from '../model/analysis';
import type { Problem, Rule, Span } from '../model/types';
import { runRuleCheck } from './rules';
import type { RuleCheck } from './types';

export const NFT_ONLY = 'nft-only';

/** Something the nf_tables backend accepts but iptables-legacy refuses. */
export function nftOnly(span: Span, what: string): Problem {
  return {
    span, severity: 'warning', code: NFT_ONLY,
    message: `${what}: the nf_tables backend accepts it, iptables-legacy refuses it.`,
  };
}

export const ruleNftOnly: RuleCheck = (rule, _options, _scope, out) => {
  if (rule.target?.name === 'TCPMSS' && !matchesOnlySyn(rule)) {
    out.push(nftOnly(rule.target.nameSpan, 'TCPMSS on a rule that does not match only SYN packets (add --syn or --tcp-flags SYN,RST SYN)'));
  }
  for (const m of rule.matches) {
    if (m.module !== 'limit') continue;
    for (const o of m.options) {
      if (o.name === 'limit' && o.value && /\/d(ay)?$/.test(o.value)) out.push(nftOnly(o.span, `--limit ${o.value} overflows the legacy limit match ("Overflow, try lower")`));
    }
  }
};

export function checkNftOnly(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleNftOnly);
}

/** Whether the rule's tcp match requires SYN (`--syn`, or `--tcp-flags MASK COMP` with SYN in COMP), as the TCPMSS target insists. */
function matchesOnlySyn(rule: Rule): boolean {
  for (const m of rule.matches) {
    if (m.module !== 'tcp') continue;
    for (const o of m.options) {
      if (o.negated) continue;
      if (o.name === 'syn') return true;
      if (o.name === 'tcp-flags' && o.values[1] && /(^|,)(SYN|ALL)(,|$)/i.test(o.values[1])) return true;
    }
  }
  return false;
}
