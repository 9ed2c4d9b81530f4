import type { Analysis } from '../model/analysis';
import type { Problem, Span } from '../model/types';
import { runRuleCheck } from './rules';
import type { RuleCheck } from './types';

export const LEGACY_ONLY = 'legacy-only';

/**
 * Something only the legacy backend accepts: the nf_tables backend (the
 * default iptables since Debian 10) refuses it, so it is an error here.
 */
export function legacyOnly(span: Span, what: string): Problem {
  return {
    span, severity: 'error', code: LEGACY_ONLY,
    message: `${what}: the nf_tables backend (the default iptables) refuses this rule; only iptables-legacy accepts it.`,
    data: { phase: 'kernel' },
  };
}

const ANY = new Set(['0.0.0.0/0', '::/0', '0/0']);

export const ruleLegacyOnly: RuleCheck = (rule, _options, _scope, out) => {
  if (rule.target?.kind === 'queue' && rule.target.name === 'QUEUE') out.push(legacyOnly(rule.target.nameSpan, '-j QUEUE'));
  for (const m of rule.matches) {
    if ((m.module === 'source' || m.module === 'destination') && m.negated && ANY.has(m.options[0]?.value ?? '')) {
      out.push(legacyOnly(m.span, `${m.module === 'source' ? '! -s' : '! -d'} ${m.options[0].value} (matches nothing)`));
    }
  }
};

export function checkLegacyOnly(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleLegacyOnly);
}
