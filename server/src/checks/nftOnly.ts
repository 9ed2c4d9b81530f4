import type { Analysis } from '../model/analysis';
import type { Option, Problem } from '../model/types';
import { allRules } from './rules';

export const NFT_ONLY = 'nft-only';

/** Something the nf_tables backend accepts but iptables-legacy refuses. */
export function nftOnly(option: Option, what: string): Problem {
  return {
    span: option.span, severity: 'warning', code: NFT_ONLY,
    message: `${what}: the nf_tables backend accepts it, iptables-legacy refuses it.`,
  };
}

export function checkNftOnly(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const { rule } of allRules(analysis)) {
    for (const m of rule.matches) {
      if (m.module !== 'limit') continue;
      for (const o of m.options) {
        if (o.name === 'limit' && o.value && /\/d(ay)?$/.test(o.value)) out.push(nftOnly(o, `--limit ${o.value} overflows the legacy limit match ("Overflow, try lower")`));
      }
    }
  }
  return out;
}
