import type { Analysis } from '../model/analysis';
import type { Chain, Problem } from '../model/types';

export const UNREFERENCED_CHAIN = 'unreferenced-chain';

/** A user chain no rule jumps or goes to: its rules never run. */
export function unreferencedChain(chain: Chain): Problem {
  return {
    span: chain.nameSpan!, severity: 'hint', code: UNREFERENCED_CHAIN,
    message: `No rule jumps to chain ${chain.name}: its ${chain.rules.length} rule${chain.rules.length === 1 ? '' : 's'} never run${chain.rules.length === 1 ? 's' : ''}.`,
    data: { chain: chain.name, table: chain.table },
  };
}

export function checkUnreferencedChain(analysis: Analysis): Problem[] {
  const out: Problem[] = [];
  const listing = analysis.ruleset.format === 'listing';
  for (const table of analysis.ruleset.tables) {
    const graph = analysis.graphOf(table);
    for (const chain of table.chains) {
      if (chain.builtin || !chain.nameSpan) continue;
      // A listing may leave out the chains that refer to this one; trust the kernel's own count.
      if (listing ? chain.listedReferences === 0 : !(graph.incoming.get(chain.name)?.length)) out.push(unreferencedChain(chain));
    }
  }
  return out;
}
