import type { Analysis } from '../model/analysis';
import type { Chain, Rule, Table } from '../model/types';

/** Every rule of a document with its table and chain, in table and chain order. */
export function* allRules(analysis: Analysis): Generator<{ table: Table; chain: Chain; rule: Rule }> {
  for (const table of analysis.ruleset.tables) {
    for (const chain of table.chains) {
      for (const rule of chain.rules) yield { table, chain, rule };
    }
  }
}
