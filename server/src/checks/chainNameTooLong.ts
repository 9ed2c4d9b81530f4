import type { Analysis } from '../model/analysis';
import type { Chain, Problem } from '../model/types';

export const CHAIN_NAME_TOO_LONG = 'chain-name-too-long';

/** The longest chain name iptables accepts. */
export const MAX_CHAIN_NAME = 28;

/** A chain name over 28 characters: iptables-restore refuses its declaration ("chain name too long"). */
export function chainNameTooLong(chain: Chain): Problem {
  return {
    span: chain.nameSpan!, severity: 'error', code: CHAIN_NAME_TOO_LONG,
    message: `Chain name ${chain.name} is ${chain.name.length} characters long; iptables allows at most ${MAX_CHAIN_NAME}.`,
    data: { phase: 'parse' },
  };
}

export function checkChainNameTooLong(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    for (const chain of table.chains) {
      if (chain.name.length > MAX_CHAIN_NAME && chain.nameSpan) out.push(chainNameTooLong(chain));
    }
  }
  return out;
}
