/**
 * Find references and document highlight: every occurrence of a chain name
 * in its table block (declaration, its own `-A`/`-I` lines, jumps and gotos).
 */
import { DocumentHighlightKind, type DocumentHighlight, type Location, type Range } from 'vscode-languageserver';
import type { Analysis } from '../model/analysis';
import type { Span } from '../model/types';
import { chainAt, occurrencesOf } from './chainOccurrences';
import { toRange } from './convert';

/**
 * The last few answers per document version. Asking again for a chain (the
 * references view, CodeLens, a second click, going back and forth between
 * two chains) is common, and a hub chain such as KUBE-MARK-MASQ has 40k
 * references: building them again each time made megabytes of garbage per
 * request, long-lived enough to be promoted out of the young generation.
 */
const answers = new WeakMap<Analysis, Map<string, Location[]>>();

/** How many answers a document version keeps; the least recently asked goes first. */
const KEPT_ANSWERS = 4;

/**
 * A reference as it is kept: one object holding the occurrence's span,
 * written as an LSP Location. A plain Location is four objects (location,
 * range, two positions); for a hub chain's 40k references that was 5 MB
 * more to keep and to promote out of the young generation.
 */
class ChainLocation implements Location {
  constructor(readonly uri: string, private readonly span: Span) {}

  get range(): Range {
    return toRange(this.span);
  }

  toJSON(): Location {
    return { uri: this.uri, range: this.range };
  }
}

export function findReferences(analysis: Analysis, uri: string, line: number, character: number, includeDeclaration: boolean): Location[] {
  const ref = chainAt(analysis, line, character);
  if (!ref) return [];
  const key = `${analysis.ruleset.tables.indexOf(ref.table)}\n${ref.name}\n${includeDeclaration}\n${uri}`;
  let kept = answers.get(analysis);
  if (!kept) answers.set(analysis, (kept = new Map()));
  let out = kept.get(key);
  if (out) {
    kept.delete(key);
  } else {
    out = [];
    for (const occ of occurrencesOf(analysis, ref.table, ref.name)) {
      if (!includeDeclaration && occ.kind === 'declaration') continue;
      out.push(new ChainLocation(uri, occ.span));
    }
    if (kept.size >= KEPT_ANSWERS) kept.delete(kept.keys().next().value!);
  }
  kept.set(key, out);
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
