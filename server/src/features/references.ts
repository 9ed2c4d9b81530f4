/**
 * Find references and document highlight: every occurrence of a chain name
 * in its table block (declaration, its own `-A`/`-I` lines, jumps and gotos).
 */
import { DocumentHighlightKind, type DocumentHighlight, type Location } from 'vscode-languageserver';
import type { Analysis } from '../model/analysis';
import { chainAt, occurrencesOf } from './chainOccurrences';
import { toRange } from './convert';

/**
 * The last answer per document version. Asking again for the same chain (the
 * references view, CodeLens, a second click) is common, and a hub chain such
 * as KUBE-MARK-MASQ has 40k references: building them again each time made
 * megabytes of garbage per request.
 */
const lastAnswer = new WeakMap<Analysis, { key: string; locations: Location[] }>();

export function findReferences(analysis: Analysis, uri: string, line: number, character: number, includeDeclaration: boolean): Location[] {
  const ref = chainAt(analysis, line, character);
  if (!ref) return [];
  const key = `${analysis.ruleset.tables.indexOf(ref.table)}\n${ref.name}\n${includeDeclaration}\n${uri}`;
  const last = lastAnswer.get(analysis);
  if (last?.key === key) return last.locations;
  const out: Location[] = [];
  for (const occ of occurrencesOf(analysis, ref.table, ref.name)) {
    if (!includeDeclaration && occ.kind === 'declaration') continue;
    out.push({ uri, range: toRange(occ.span) });
  }
  lastAnswer.set(analysis, { key, locations: out });
  return out;
}

/** Highlights the chain under the cursor: the declaration and the chain's own rules as writes, jumps as reads. */
export function documentHighlights(analysis: Analysis, line: number, character: number): DocumentHighlight[] {
  const ref = chainAt(analysis, line, character);
  if (!ref) return [];
  return occurrencesOf(analysis, ref.table, ref.name).map((occ) => ({
    range: toRange(occ.span),
    kind: occ.kind === 'jump' || occ.kind === 'goto' ? DocumentHighlightKind.Read : DocumentHighlightKind.Write,
  }));
}
