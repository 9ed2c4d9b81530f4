import type { Analysis } from '../model/analysis';
import type { Chain, Rule, Table } from '../model/types';

export interface RuleAt {
  table: Table;
  chain: Chain;
  rule: Rule;
}

const cache = new WeakMap<Analysis, RuleAt[]>();

/** Every rule of a document with its table and chain, in table and chain order; listed once per document and shared by the checks. */
export function allRules(analysis: Analysis): readonly RuleAt[] {
  let list = cache.get(analysis);
  if (!list) {
    list = [];
    for (const table of analysis.ruleset.tables) {
      for (const chain of table.chains) {
        for (const rule of chain.rules) list.push({ table, chain, rule });
      }
    }
    cache.set(analysis, list);
  }
  return list;
}
