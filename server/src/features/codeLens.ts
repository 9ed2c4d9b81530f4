/**
 * CodeLens over each chain declaration: "N references · M rules", where N
 * counts the rules that jump or go to the chain (as iptables counts
 * references). Lenses are listed cheaply and resolved when shown, so a
 * 30k-chain dump costs only what is on screen. Clicking runs the client
 * command `iptables.showReferences`, which opens the references peek.
 */
import type { CodeLens, Location } from 'vscode-languageserver';
import type { Analysis } from '../model/analysis';
import { chainAnchor, jumpsTo } from './chainOccurrences';
import { toRange } from './convert';

/** The client command a resolved lens runs: args are (uri, position, locations), all in LSP form. */
export const SHOW_REFERENCES_COMMAND = 'iptables.showReferences';

export interface LensData {
  uri: string;
  /** Index of the table block in ruleset.tables. */
  table: number;
  chain: string;
}

/** Unresolved lenses, one per chain with a place in the text. */
export function codeLenses(analysis: Analysis, uri: string): CodeLens[] {
  const out: CodeLens[] = [];
  analysis.ruleset.tables.forEach((table, t) => {
    for (const chain of table.chains) {
      const anchor = chainAnchor(chain);
      if (!anchor) continue;
      const data: LensData = { uri, table: t, chain: chain.name };
      out.push({ range: toRange(anchor.selection), data });
    }
  });
  return out;
}

/** Fills in a lens's title and command; returns it unchanged when its chain is gone. */
export function resolveCodeLens(analysis: Analysis, lens: CodeLens): CodeLens {
  const data = lens.data as LensData | undefined;
  const table = data ? analysis.ruleset.tables[data.table] : undefined;
  const chain = data ? table?.chainsByName.get(data.chain) : undefined;
  if (!data || !table || !chain) return { ...lens, command: { title: 'chain not found', command: '' } };
  const jumps = jumpsTo(analysis, table, chain.name);
  const locations: Location[] = jumps.map((o) => ({ uri: data.uri, range: toRange(o.span) }));
  const n = jumps.length;
  const m = chain.rules.length;
  const title = `${n} reference${n === 1 ? '' : 's'} · ${m} rule${m === 1 ? '' : 's'}`;
  return {
    range: lens.range,
    data,
    command: { title, command: n ? SHOW_REFERENCES_COMMAND : '', arguments: n ? [data.uri, lens.range.start, locations] : undefined },
  };
}
