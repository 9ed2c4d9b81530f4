import type { Analysis } from '../model/analysis';
import { eachEdge } from './graphEdges';
import { perShape } from '../model/buildGraph';
import type { Chain, Problem, Table, TableGraph } from '../model/types';

export const UNREFERENCED_CHAIN = 'unreferenced-chain';

/** A user chain no rule jumps or goes to: its rules never run. */
export function unreferencedChain(chain: Chain): Problem {
  return {
    span: chain.nameSpan!, severity: 'hint', code: UNREFERENCED_CHAIN,
    message: `No rule jumps to chain ${chain.name}: its ${chain.rules.length} rule${chain.rules.length === 1 ? '' : 's'} never run${chain.rules.length === 1 ? 's' : ''}.`,
    data: { chain: chain.name, table: chain.table },
  };
}

/** A chain whose name another chain object of the table shares (and some rule jumps to that one): edges are by name. */
function isJumpedToByName(table: Table, chain: Chain, jumpedTo: Uint8Array): boolean {
  const named = table.chainsByName.get(chain.name);
  return named !== undefined && named !== chain && table.chains[named.index] === named && jumpedTo[named.index] === 1;
}

/** Per graph shape: the positions of the user chains nothing jumps to. */
const found = new WeakMap<object, Int32Array>();

/**
 * The positions of a table's user chains that no rule jumps or goes to,
 * found once per graph shape: what decides it (the edges, the chains and a
 * listing's reference counts) is the same in every version that keeps it.
 */
function unreferencedChains(table: Table, graph: TableGraph, listing: boolean): Int32Array {
  return perShape(found, graph, () => unreferencedPositions(table, graph, listing));
}

function unreferencedPositions(table: Table, graph: TableGraph, listing: boolean): Int32Array {
  // The chains some rule jumps or goes to, by position (by name for a chain that does not know its own).
  const chains = table.chains;
  const jumpedTo = new Uint8Array(chains.length);
  const jumpedByName = new Set<string>();
  if (!listing) {
    eachEdge(graph, (to) => {
      if (chains[to.index] === to) jumpedTo[to.index] = 1;
      else jumpedByName.add(to.name);
    });
  }
  const out: number[] = [];
  for (let i = 0; i < chains.length; i++) {
    const chain = chains[i];
    if (chain.builtin) continue;
    // A listing may leave out the chains that refer to this one; trust the kernel's own count.
    const referenced = listing ? chain.listedReferences !== 0 : jumpedTo[i] === 1 || jumpedByName.has(chain.name) || isJumpedToByName(table, chain, jumpedTo);
    if (!referenced) out.push(i);
  }
  return Int32Array.from(out);
}

export function checkUnreferencedChain(analysis: Analysis): Problem[] {
  const out: Problem[] = [];
  const listing = analysis.ruleset.format === 'listing';
  for (const table of analysis.ruleset.tables) {
    for (const i of unreferencedChains(table, analysis.graphOf(table), listing)) {
      const chain = table.chains[i];
      // The name's span last: asking for it makes one for a save chain.
      if (chain.nameSpan) out.push(unreferencedChain(chain));
    }
  }
  return out;
}
