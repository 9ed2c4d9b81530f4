import type { Analysis } from '../model/analysis';
import { ALL_BUILTIN_CHAIN_NAMES, BUILTIN_CHAINS, type Chain, type Problem, type Table } from '../model/types';

export const BUILTIN_CHAIN_WRONG_TABLE = 'builtin-chain-wrong-table';

/**
 * `:PREROUTING ACCEPT` in filter: that table has no such hook. The nf_tables
 * backend accepts the line and makes an ordinary user chain of that name,
 * which no packet enters unless a rule jumps to it; its policy is ignored.
 */
export function builtinChainWrongTable(chain: Chain, table: Table): Problem {
  return {
    span: chain.nameSpan!, severity: 'warning', code: BUILTIN_CHAIN_WRONG_TABLE,
    message: `Table ${table.name} has no ${chain.name} hook (its built-in chains are ${(BUILTIN_CHAINS[table.name] ?? []).join(', ')}): the nf_tables backend makes a user chain named ${chain.name} that no packet enters by itself${chain.policy ? '; iptables-legacy refuses the policy ("Bad built-in chain name")' : ''}.`,
  };
}

export function checkBuiltinChainWrongTable(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    if (!BUILTIN_CHAINS[table.name]) continue;
    for (const chain of table.chains) {
      if (!chain.builtin && ALL_BUILTIN_CHAIN_NAMES.has(chain.name) && chain.nameSpan) out.push(builtinChainWrongTable(chain, table));
    }
  }
  return out;
}
